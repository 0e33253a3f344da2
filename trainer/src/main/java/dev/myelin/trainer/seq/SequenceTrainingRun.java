package dev.myelin.trainer.seq;

import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.Evaluation;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.VectorEnv;
import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.rl.RunningNormalizer;
import dev.myelin.trainer.run.ActionLog;
import dev.myelin.trainer.run.CheckpointFile;
import dev.myelin.trainer.run.LearningCurve;
import dev.myelin.trainer.run.MetricsLog;
import dev.myelin.trainer.run.RecentReturns;
import dev.myelin.trainer.run.Settings;
import dev.myelin.trainer.run.TrainedPolicy;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One sequence-training run on one process: vectorised worlds step together, every agent is one lane of
 * the actor's {@link SequenceActor.Stepper} (reset only when its world starts an episode), experience
 * goes into a {@link SequenceReplay} lane per world, and the configured {@link SequenceLearner} (recurrent
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
public final class SequenceTrainingRun implements AutoCloseable {
    public static final String CHECKPOINT = "checkpoint.bin";
    static final String FORMAT = "myelin-sequence-checkpoint";
    /** Overrides a resumed run may take. */
    public static final Set<String> RESUMABLE_OVERRIDES = Set.of("steps", "eval_every", "eval_episodes");
    static final List<String> COLUMNS = List.of("step", "total_steps", "updates", "wall_s", "train_return", "episodes",
            "eval_return", "eval_return_std", "critic_loss", "actor_loss", "mean_q");

    private final SequenceConfig config;
    private final Path dir;
    private final VectorEnv venv;
    private final int worlds;
    private final int perWorld;
    private final int agents;
    private final int obs;
    private final int act;
    private final float[] center;
    private final float[] half;
    private final SequenceActor actor;
    private final SequenceActor.Stepper stepper;
    private final SequenceLearner learner;
    private final RunningNormalizer normalizer;
    private final SequenceReplay replay;
    private final SequenceReplay.Batch batch;
    private final RandomStream sampleRng;
    private final RandomStream exploreRng;
    private final Communicator comm = Communicator.single();
    private final float[] obsRaw;
    private final float[] obsNorm;
    private final float[] prevA;
    private final float[] prevR;
    private final float[] u;
    private final float[] envAction;
    private final float[] nextObs;
    private final float[] rewards;
    private final boolean[] ended;
    private final double[] episodeReturn;
    private final ActionLog actionLog;
    private final RecentReturns recent = new RecentReturns();
    private long step;
    private double lastEval = Double.NaN;
    private double lastEvalStd = Double.NaN;
    private boolean resumed;
    private PrintStream progress;
    private final long startNanos = System.nanoTime();

    private SequenceTrainingRun(SequenceConfig config, Path dir) {
        this.config = config;
        this.dir = dir;
        venv = Tasks.vector(config.taskSpec(), config.envs, config.envThreads);
        try {
            worlds = venv.worlds();
            perWorld = venv.agentsPerWorld();
            agents = venv.agents();
            obs = venv.observationSpace().size();
            act = venv.actionSpace().size();
            center = new float[act];
            half = new float[act];
            TrainedPolicy.actionRanges(venv.actionSpace(), center, half);
            actor = SequenceActors.create(config.family, obs, act, config.actorOptions, config.seed);
            learner = config.learner(actor, perWorld);
            stepper = actor.stepper(agents);
            normalizer = new RunningNormalizer(obs, config.observationClip, config.normalizeObservations);
            replay = new SequenceReplay(worlds, perWorld, obs, act, config.replaySize / worlds);
            batch = new SequenceReplay.Batch(config.batchSize, perWorld, obs, act, config.burnIn, config.sequenceLength,
                    config.history);
            sampleRng = new RandomStream(config.seed * 0x9E3779B97F4A7C15L + 0x73616D706CL);
            exploreRng = new RandomStream(config.seed * 0x9E3779B97F4A7C15L + 0x6578706CL);
            obsRaw = new float[agents * obs];
            obsNorm = new float[agents * obs];
            prevA = new float[agents * act];
            prevR = new float[agents];
            u = new float[agents * act];
            envAction = new float[agents * act];
            nextObs = new float[agents * obs];
            rewards = new float[agents];
            ended = new boolean[agents];
            episodeReturn = new double[agents];
            actionLog = new ActionLog(agents * act, ActionLog.capacity((config.steps + worlds - 1) / worlds, agents * act));
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
        run.venv.reset(config.seed * 1_000_003L + 17);
        System.arraycopy(run.venv.observations(), 0, run.obsRaw, 0, run.obsRaw.length);
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
        float[] log = ck.floats("action_log");
        int per = agents * act;
        if (log.length != savedStep / worlds * per) {
            throw new IOException("checkpoint action log holds " + log.length + " values, expected "
                    + savedStep / worlds * per + " for step " + savedStep);
        }
        venv.reset(config.seed * 1_000_003L + 17);
        System.arraycopy(venv.observations(), 0, obsRaw, 0, obsRaw.length);
        actionLog.replay(log, u, this::advance);
        if (step != savedStep) {
            throw new IOException("replaying the action log reached step " + step + ", the checkpoint says " + savedStep);
        }
        normalizer.restore(ck.doubles("normalizer"));
        stepper.restoreState(ck.floats("stepper"));
        long[] streams = ck.longs("random_streams");
        if (streams.length != 6) {
            throw new IOException("checkpoint entry 'random_streams' must hold 6 numbers, has " + streams.length);
        }
        sampleRng.restore(Arrays.copyOfRange(streams, 0, 3));
        exploreRng.restore(Arrays.copyOfRange(streams, 3, 6));
        Object ev = ck.header().get("eval_return");
        lastEval = ev instanceof Number x ? x.doubleValue() : Double.NaN;
        Object sd = ck.header().get("eval_return_std");
        lastEvalStd = sd instanceof Number x ? x.doubleValue() : Double.NaN;
        resumed = true;
    }

    private static void copyInto(CheckpointFile ck, String name, float[] to) {
        float[] from = ck.floats(name);
        if (from.length != to.length) {
            throw new IllegalArgumentException("checkpoint entry '" + name + "' holds " + from.length
                    + " values, this run needs " + to.length);
        }
        System.arraycopy(from, 0, to, 0, to.length);
    }

    /** Where a line per evaluation goes (null for none). */
    public SequenceTrainingRun progress(PrintStream out) {
        this.progress = out;
        return this;
    }

    /** Trains until {@code steps}; returns the last evaluation. */
    public Result run() throws IOException {
        try (MetricsLog metrics = dir == null ? null : new MetricsLog(dir.resolve("metrics.csv"), COLUMNS, resumed ? step : -1)) {
            while (step < config.steps) {
                collect();
                if (step % config.updateEvery == 0 || step >= config.steps) {
                    normalizer.sync(comm);
                    if (step >= config.updateAfter) {
                        for (int j = 0; j < config.updatesPerPeriod; j++) {
                            replay.sample(batch, sampleRng, normalizer);
                            learner.update(batch);
                        }
                    }
                    boolean last = step >= config.steps;
                    if (step % config.evalEvery == 0 || last) {
                        Evaluation.Summary s = evaluate(config.evalEpisodes);
                        lastEval = s.meanReturn();
                        lastEvalStd = s.stdReturn();
                        if (metrics != null) {
                            logRow(metrics);
                            writeCurve();
                            checkpoint();
                        }
                        if (progress != null) {
                            progress.printf(Locale.ROOT, "step %d  eval %.1f +- %.1f  train %.1f  critic %.4g  actor %.4g  %.0f s%n",
                                    step, lastEval, lastEvalStd, recent.mean(), learner.lastCriticLoss(),
                                    learner.lastActorLoss(), seconds());
                        }
                    }
                }
            }
        }
        return new Result(step, learner.updates(), lastEval, lastEvalStd, seconds());
    }

    /** The end of a run. */
    public record Result(long steps, long updates, double evalReturn, double evalReturnStd, double seconds) {
    }

    /** One vector step: act (every lane's stepper runs, so its state follows the episode), step, store. */
    private void collect() {
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
            learner.explore(u, stepper.lastPreSquash(), u.length, exploreRng);
        }
        actionLog.append(u);
        advance();
    }

    /** Sends {@link #u} to the worlds and stores the step (also how a resume replays the action log). */
    private void advance() {
        for (int a = 0; a < agents; a++) {
            for (int j = 0; j < act; j++) {
                envAction[a * act + j] = center[j] + half[j] * u[a * act + j];
            }
        }
        venv.step(envAction);
        float[] next = venv.observations();
        float[] fin = venv.finalObservations();
        float[] r = venv.rewards();
        boolean[] term = venv.terminated();
        boolean[] trunc = venv.truncated();
        for (int a = 0; a < agents; a++) {
            ended[a] = term[a] || trunc[a];
            System.arraycopy(ended[a] ? fin : next, a * obs, nextObs, a * obs, obs);
            rewards[a] = r[a];
        }
        replay.add(obsRaw, prevA, prevR, u, rewards, nextObs, term, ended);
        for (int w = 0; w < worlds; w++) {
            double teamReturn = 0;
            for (int k = 0; k < perWorld; k++) {
                int a = w * perWorld + k;
                episodeReturn[a] += rewards[a];
                teamReturn += episodeReturn[a];
            }
            if (ended[w * perWorld]) {
                recent.add(teamReturn / perWorld);
            }
        }
        for (int a = 0; a < agents; a++) {
            if (ended[a]) {
                stepper.reset(a);
                episodeReturn[a] = 0;
                for (int j = 0; j < act; j++) {
                    prevA[a * act + j] = 0f;
                }
                prevR[a] = 0f;
            } else {
                System.arraycopy(u, a * act, prevA, a * act, act);
                prevR[a] = rewards[a];
            }
        }
        System.arraycopy(next, 0, obsRaw, 0, obsRaw.length);
        step += worlds;
    }

    /** Deterministic episodes of the current actor on fixed seeds (a fresh stepper, one lane per agent). */
    public Evaluation.Summary evaluate(int episodeCount) {
        return config.evaluate(env -> SequencePolicy.actor(actor, normalizer, env.actionSpace(), env.agents()), episodeCount);
    }

    private double seconds() {
        return (System.nanoTime() - startNanos) * 1e-9;
    }

    private void logRow(MetricsLog metrics) {
        metrics.row(step, step, learner.updates(), seconds(), recent.mean(), recent.episodes(), lastEval, lastEvalStd,
                learner.lastCriticLoss(), learner.lastActorLoss(), learner.lastMeanQ());
    }

    private void writeCurve() {
        try {
            LearningCurve.write(dir.resolve("curve.png"), config.task + (config.observation.isEmpty() ? "" : " " + config.observation)
                    + " " + config.family + " (sequence " + config.algorithm.toUpperCase(Locale.ROOT) + ")", List.of(LearningCurve.fromRun(dir, "eval return")));
        } catch (IOException | RuntimeException e) {
            if (progress != null) {
                progress.println("could not draw curve.png: " + e.getMessage());
            }
        }
    }

    /**
     * Writes {@code checkpoint.bin}: the actor, the learner's critics and optimizers, the observation statistics,
     * the stepper's state, the random streams, every action sent, and the configuration.
     */
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

    public SequenceLearner learner() {
        return learner;
    }

    public RunningNormalizer normalizer() {
        return normalizer;
    }

    public SequenceConfig config() {
        return config;
    }

    public BoxSpace observationSpace() {
        return venv.observationSpace();
    }

    public BoxSpace actionSpace() {
        return venv.actionSpace();
    }

    public int agentsPerWorld() {
        return perWorld;
    }

    public long step() {
        return step;
    }

    @Override
    public void close() {
        venv.close();
    }
}
