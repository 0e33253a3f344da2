package dev.myelin.trainer.seq;

import dev.myelin.sim.Actor;
import dev.myelin.sim.Env;
import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.rl.Learner;
import dev.myelin.trainer.run.CheckpointFile;
import dev.myelin.trainer.run.OffPolicyRun;
import dev.myelin.trainer.run.Settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A sequence-training run on one process, on {@link OffPolicyRun}'s loop: vectorised worlds step together, every agent is one lane of
 * the actor's {@link SequenceActor.Stepper} (reset only when its world starts an episode), experience
 * goes into a {@link SequenceReplay} lane per world, and the configured learner (recurrent
 * TD3 or SAC) updates on sampled windows. Uniform random actions for {@code start_steps}, then the actor
 * with the learner's exploration (TD3: Gaussian noise; SAC: a sample of its policy); every
 * {@code update_every} steps the observation statistics are merged and, after {@code update_after},
 * {@code updates_per_period} updates are made. Deterministic evaluations with a fresh stepper every
 * {@code eval_every} steps.
 *
 * <p>Run directory: {@code config.yaml}, {@code metrics.csv}, {@code curve.png} and {@code checkpoint.bin}
 * (written after every evaluation; {@link #resume} continues a run exactly, {@link SequenceExport} writes
 * its actor as a bundle). Driven by one thread.
 */
public final class SequenceTrainingRun extends OffPolicyRun<SequenceConfig> {
    static final String FORMAT = "myelin-sequence-checkpoint";
    /** Overrides a resumed run may take. */
    public static final Set<String> RESUMABLE_OVERRIDES = Set.of("steps", "eval_every", "eval_episodes");
    static final List<String> COLUMNS = List.of("step", "total_steps", "updates", "wall_s", "train_return", "episodes",
            "eval_return", "eval_return_std", "critic_loss", "actor_loss", "mean_q");

    private final SequenceActor actor;
    private final SequenceActor.Stepper stepper;
    private final Learner<SequenceReplay.Batch> learner;
    private final SequenceReplay replay;
    private final SequenceReplay.Batch batch;
    private final RandomStream sampleRng;
    private final RandomStream exploreRng;
    private final float[] prevA;
    private final float[] prevR;
    private final float[] nextObs;
    private final float[] rewards;

    private SequenceTrainingRun(SequenceConfig config, Path dir) {
        super(config, dir, Communicator.single(), true);
        try {
            actor = SequenceActors.create(config.family, obs, act, config.actorOptions, config.seed);
            learner = config.learner(actor, perWorld);
            stepper = actor.stepper(agents);
            replay = new SequenceReplay(worlds, perWorld, obs, act, config.replaySize / worlds);
            batch = new SequenceReplay.Batch(config.batchSize, perWorld, obs, act, config.burnIn, config.sequenceLength,
                    config.history);
            sampleRng = new RandomStream(config.seed * 0x9E3779B97F4A7C15L + 0x73616D706CL);
            exploreRng = new RandomStream(config.seed * 0x9E3779B97F4A7C15L + 0x6578706CL);
            prevA = new float[agents * act];
            prevR = new float[agents];
            nextObs = new float[agents * obs];
            rewards = new float[agents];
        } catch (RuntimeException e) {
            venv.close();
            throw e;
        }
    }

    /** Starts a run in {@code dir}, which must not hold one already; {@code dir} may be null (no files written). */
    public static SequenceTrainingRun start(SequenceConfig config, Path dir) throws IOException {
        if (dir != null) {
            config.createRun(dir, CHECKPOINT);
        }
        SequenceTrainingRun run = new SequenceTrainingRun(config, dir);
        run.resetWorlds();
        return run;
    }

    /**
     * Continues the run in {@code dir} from its checkpoint: networks, optimizers, learner noise, observation
     * statistics, random streams and the rollout stepper's state are restored, and the environments and the
     * replay are rebuilt by replaying every logged action from the run's seed (the simulator is deterministic),
     * so the run goes on exactly as if it had not stopped. {@code overrides} may only change
     * {@link #RESUMABLE_OVERRIDES} (e.g. {@code steps=60000} to train longer).
     */
    @SuppressWarnings("unchecked")
    public static SequenceTrainingRun resume(Path dir, List<String> overrides) throws IOException {
        Settings.requireResumable(overrides, RESUMABLE_OVERRIDES);
        Path file = dir.resolve(CHECKPOINT);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(dir + ": no " + CHECKPOINT + " there (not a sequence training run)");
        }
        CheckpointFile ck = CheckpointFile.read(file);
        if (!FORMAT.equals(ck.header().get("format"))) {
            throw new IllegalArgumentException(file + " is not a sequence-training checkpoint (format "
                    + ck.header().get("format") + ")");
        }
        if (!ck.has("action_log")) {
            throw new IllegalArgumentException(file + " was written without an action log and cannot be resumed");
        }
        SequenceConfig config = SequenceConfig.of(ck.headerMap("config"), overrides);
        long savedStep = ck.headerLong("step");
        CheckpointFile.removeStaleTemporariesBeforeResume(file);
        if (config.steps < savedStep) {
            throw new IllegalArgumentException("steps=" + config.steps + " is below the " + savedStep
                    + " steps the run has already made");
        }
        SequenceTrainingRun run = new SequenceTrainingRun(config, dir);
        try {
            run.restore(ck, savedStep);
        } catch (RuntimeException | IOException e) {
            run.close();
            throw e;
        }
        if (!overrides.isEmpty()) {
            config.save(dir);
        }
        return run;
    }

    private void restore(CheckpointFile ck, long savedStep) throws IOException {
        copyInto(ck, "actor", actor.parameters().values());
        actor.refreshWeights();
        learner.restore(ck);
        replayActionLog(ck.floats("action_log"), savedStep);
        normalizer.restore(ck.doubles("normalizer"));
        stepper.restoreState(ck.floats("stepper"));
        long[] streams = ck.longs("random_streams");
        if (streams.length != 6) {
            throw new IOException("checkpoint entry 'random_streams' must hold 6 numbers, has " + streams.length);
        }
        sampleRng.restore(Arrays.copyOfRange(streams, 0, 3));
        exploreRng.restore(Arrays.copyOfRange(streams, 3, 6));
        restoreEvaluation(ck);
    }

    private static void copyInto(CheckpointFile ck, String name, float[] to) {
        float[] from = ck.floats(name);
        if (from.length != to.length) {
            throw new IllegalArgumentException("checkpoint entry '" + name + "' holds " + from.length
                    + " values, this run needs " + to.length);
        }
        System.arraycopy(from, 0, to, 0, to.length);
    }

    @Override
    protected long environmentSeed() {
        return config.seed * 1_000_003L + 17;
    }

    /** Every lane's stepper runs (its state follows the episode), then random actions or the learner's exploration. */
    @Override
    protected void chooseActions() {
        for (int a = 0; a < agents; a++) {
            normalizer.normalize(obsRaw, a * obs, obsNorm, a * obs);
            normalizer.observe(obsRaw, a * obs);
        }
        stepper.step(obsNorm, prevA, prevR, u);
        if (step < config.startSteps) {
            for (int i = 0; i < u.length; i++) {
                u[i] = (float) (2 * exploreRng.nextDouble() - 1);
            }
        } else {
            learner.explore(u, stepper.lastPreSquash(), null, u.length, exploreRng);
        }
    }

    /** One step of every world's lane; an agent whose episode ended starts its next from zero state. */
    @Override
    protected void store(float[] next, float[] fin, float[] r, boolean[] terminated, boolean[] ended) {
        for (int a = 0; a < agents; a++) {
            System.arraycopy(ended[a] ? fin : next, a * obs, nextObs, a * obs, obs);
            rewards[a] = r[a];
        }
        replay.add(obsRaw, prevA, prevR, u, rewards, nextObs, terminated, ended);
        for (int a = 0; a < agents; a++) {
            if (ended[a]) {
                stepper.reset(a);
                for (int j = 0; j < act; j++) {
                    prevA[a * act + j] = 0f;
                }
                prevR[a] = 0f;
            } else {
                System.arraycopy(u, a * act, prevA, a * act, act);
                prevR[a] = rewards[a];
            }
        }
    }

    /** {@code updates_per_period} updates, each on a batch of windows. */
    @Override
    protected void updatePhase() {
        for (int j = 0; j < config.updatesPerPeriod; j++) {
            replay.sample(batch, sampleRng, normalizer);
            learner.update(batch);
        }
    }

    /** After every evaluation of a run that keeps files. */
    @Override
    protected boolean checkpointDue(boolean evaluated, boolean last) {
        return evaluated && dir != null;
    }

    /** A fresh stepper, one lane per agent. */
    @Override
    protected Actor evaluationActor(Env env) {
        return SequencePolicy.actor(actor, normalizer, env.actionSpace(), env.agents());
    }

    @Override
    protected List<String> metricsColumns() {
        return COLUMNS;
    }

    @Override
    protected Object[] metricsRow() {
        return new Object[] {step, step, learner.updates(), seconds(), recent.mean(), recent.episodes(), lastEval, lastEvalStd,
                learner.lastCriticLoss(), learner.lastActorLoss(), learner.lastMeanQ()};
    }

    @Override
    protected String curveTitle() {
        return config.task + (config.observation.isEmpty() ? "" : " " + config.observation) + " " + config.family
                + " (sequence " + config.algorithm.toUpperCase(Locale.ROOT) + ")";
    }

    /**
     * Writes {@code checkpoint.bin}: the actor, the learner's critics and optimizers, the observation statistics,
     * the stepper's state, the random streams, every action sent, and the configuration.
     */
    @Override
    public void checkpoint() throws IOException {
        CheckpointFile ck = new CheckpointFile();
        ck.header().put("format", FORMAT);
        ck.header().put("config", config.settings());
        ck.header().put("step", step);
        ck.header().put("updates", learner.updates());
        ck.header().put("family", actor.family());
        ck.header().put("observation_size", obs);
        ck.header().put("action_size", act);
        ck.header().put("agents_per_world", perWorld);
        ck.header().put("eval_return", Double.isNaN(lastEval) ? null : lastEval);
        ck.header().put("eval_return_std", Double.isNaN(lastEvalStd) ? null : lastEvalStd);
        ck.header().put("algorithm", learner.algorithm());
        ck.put("actor", actor.parameters().values());
        ck.put("normalizer", normalizer.state());
        learner.save(ck);
        ck.put("stepper", stepper.state());
        long[] streams = new long[6];
        System.arraycopy(sampleRng.state(), 0, streams, 0, 3);
        System.arraycopy(exploreRng.state(), 0, streams, 3, 3);
        ck.put("random_streams", streams);
        ck.put("action_log", Arrays.copyOf(actionLog.data(), actionLog.size()));
        ck.write(dir.resolve(CHECKPOINT));
    }

    /** Draws a batch of windows from the replay with the run's current statistics (for diagnostics and tests). */
    public SequenceReplay.Batch sampleBatch(long seed) {
        SequenceReplay.Batch b = new SequenceReplay.Batch(config.batchSize, perWorld, obs, act, config.burnIn,
                config.sequenceLength, config.history);
        replay.sample(b, new RandomStream(seed), normalizer);
        return b;
    }

    public SequenceActor actor() {
        return actor;
    }

    @Override
    public Learner<SequenceReplay.Batch> learner() {
        return learner;
    }
}
