package dev.myelin.trainer.run;

import dev.myelin.sim.Actor;
import dev.myelin.sim.Env;
import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.rl.Learner;
import dev.myelin.trainer.rl.ReplayBuffer;
import dev.myelin.trainer.rl.TransitionPolicy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A feed-forward training run (PopSAN or MLP actor, TD3 or SAC) on {@link OffPolicyRun}'s loop: every rank steps
 * its own vectorised environments, keeps its own replay buffer and random streams, and takes part in the same
 * gradient updates (gradients summed over ranks); rank 0 evaluates, logs ({@code metrics.csv}, learning-curve
 * PNG, progress line) and writes the checkpoint every {@code checkpoint_every} steps.
 *
 * <p>The loop follows PopSAN/Spinning Up: uniform random actions for {@code start_steps}, then the
 * actor plus exploration; every {@code update_every} steps the observation statistics are merged over
 * ranks and, after {@code update_after}, {@code update_every} updates are made, each on a batch of
 * transitions (optionally part real robot experience).
 *
 * <p>Checkpoints hold the networks, optimizer and loss-scaler state, observation statistics, every
 * rank's random streams and every action each rank has sent to its environments. Resuming rebuilds each
 * environment's state and replay buffer by replaying those actions from the run's seeds (the simulator is
 * deterministic), so a resumed run continues bit for bit as if it had never stopped.
 *
 * <p>Run directory: {@code config.yaml}, {@code checkpoint.bin}, {@code metrics.csv}, {@code curve.png}.
 * Driven by one thread per rank.
 */
public final class TrainingRun extends OffPolicyRun<TrainConfig> {
    private final Learner<ReplayBuffer.Batch> learner;
    private final TransitionPolicy policy;
    private final ReplayBuffer replay;
    private final ReplayBuffer.Batch batch;
    private ReplayBuffer real;
    private int realRows;
    private final RandomStream sampleRng;
    private final RandomStream exploreRng;

    private TrainingRun(TrainConfig config, Path dir, Communicator comm) {
        super(config, dir, comm, false);
        if (config.steps % config.updateEvery != 0) {
            venv.close();
            throw new IllegalArgumentException("steps (" + config.steps + ") must be a multiple of update_every ("
                    + config.updateEvery + ")");
        }
        try {
            learner = Learner.create(config, comm, obs, act, agents, config.seed);
            policy = (TransitionPolicy) learner.model();
            replay = new ReplayBuffer(config.replaySize, obs, act);
            batch = new ReplayBuffer.Batch(config.batchSize, obs, act);
            sampleRng = new RandomStream(mix(config.seed, comm.rank(), 0x73616D706CL));
            exploreRng = new RandomStream(mix(config.seed, comm.rank(), 0x6578706CL));
        } catch (RuntimeException e) {
            venv.close();
            throw e;
        }
    }

    static long mix(long seed, int rank, long salt) {
        long z = seed * 0x9E3779B97F4A7C15L + rank * 0xC2B2AE3D27D4EB4FL + salt;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The environment seed of {@code rank}. */
    static long envSeed(long seed, int rank) {
        return seed * 1_000_003L + 7919L * rank;
    }

    /** Starts a new run in {@code dir}, which must not hold a checkpoint already. */
    public static TrainingRun start(TrainConfig config, Path dir, Communicator comm) throws IOException {
        if (comm.isRoot()) {
            config.createRun(dir, CHECKPOINT);
        }
        comm.barrier();
        TrainingRun run = new TrainingRun(config, dir, comm);
        run.resetWorlds();
        return run;
    }

    /**
     * Resumes the run in {@code dir} from its checkpoint. {@code overrides} may only change
     * {@link TrainConfig#RESUMABLE_OVERRIDES} (e.g. {@code steps=400000} to train longer).
     */
    @SuppressWarnings("unchecked")
    public static TrainingRun resume(Path dir, List<String> overrides, Communicator comm) throws IOException {
        Settings.requireResumable(overrides, TrainConfig.RESUMABLE_OVERRIDES);
        CheckpointFile ck = checkpointOf(dir);
        CheckpointFile.removeStaleTemporariesBeforeResume(dir.resolve(CHECKPOINT));
        Map<String, Object> saved = savedSettings(ck);
        int ranks = ck.headerInt("ranks");
        if (ranks != comm.size()) {
            throw new IllegalArgumentException("the checkpoint was written by " + ranks + " rank(s); resume it with "
                    + ranks + " (this is " + comm.size() + ")");
        }
        TrainConfig config = TrainConfig.of(saved, overrides);
        TrainingRun run = new TrainingRun(config, dir, comm);
        try {
            run.restore(ck);
        } catch (RuntimeException | IOException e) {
            run.close();
            throw e;
        }
        return run;
    }

    /**
     * Starts a new run in {@code dir} that continues learning from the networks, optimizer state and
     * observation statistics of the run in {@code source} (its configuration, with {@code overrides} on
     * top; the network shapes must stay the same). Environments, replay buffer and step count start
     * afresh; the new run's {@code config.yaml} records where it came from.
     */
    public static TrainingRun finetune(Path source, Path dir, List<String> overrides, Communicator comm) throws IOException {
        CheckpointFile ck = checkpointOf(source);
        TrainConfig config = TrainConfig.of(savedSettings(ck), overrides);
        TrainingRun run = start(config, dir, comm);
        try {
            run.loadLearned(ck);
        } catch (RuntimeException | IOException e) {
            run.close();
            throw new IOException("--finetune-from " + source + ": " + e.getMessage(), e);
        }
        if (comm.isRoot()) {
            Files.writeString(dir.resolve("finetune.yaml"), "finetune_from: " + source.toAbsolutePath().normalize()
                    + "\nsource_step: " + ck.header().get("step") + "\n");
        }
        return run;
    }

    /**
     * Mixes real robot transitions into training: {@code fraction} of every batch (rounded, at least one row
     * when there is any experience) is drawn from {@code experience}, the rest from simulation. Actions are
     * converted from the task's physical units to [-1, 1] (clipped); the whole set is checked against this
     * task's sizes before anything changes. Call before {@link #run()}.
     */
    public TrainingRun mixRealExperience(RealExperience experience, double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("experience fraction must be in (0, 1), got " + fraction);
        }
        if (experience.observationSize() != obs || experience.actionSize() != act) {
            throw new IllegalArgumentException("experience has " + experience.observationSize() + " observations and "
                    + experience.actionSize() + " actions per transition, task " + config.task + " has " + obs + " and " + act);
        }
        if (experience.size() == 0) {
            throw new IllegalArgumentException("the experience source holds no usable transitions");
        }
        ReplayBuffer buffer = new ReplayBuffer(experience.size(), obs, act);
        float[] uu = new float[act];
        float[] ua = experience.actions();
        for (int i = 0; i < experience.size(); i++) {
            for (int j = 0; j < act; j++) {
                uu[j] = Math.max(-1f, Math.min(1f, (ua[i * act + j] - center[j]) / half[j]));
            }
            buffer.add(experience.observations(), i * obs, uu, 0, experience.rewards()[i],
                    experience.nextObservations(), i * obs, experience.terminal(i));
        }
        real = buffer;
        realRows = Math.max(1, Math.min(batch.size - 1, (int) Math.round(fraction * batch.size)));
        return this;
    }

    /** Rows of every batch drawn from real experience (0 without it). */
    public int realRowsPerBatch() {
        return realRows;
    }

    /** The configuration the run in {@code runDir} was trained with (from its checkpoint). */
    public static TrainConfig savedConfig(Path runDir) throws IOException {
        return TrainConfig.of(savedSettings(checkpointOf(runDir)), List.of());
    }

    private static CheckpointFile checkpointOf(Path runDir) throws IOException {
        Path file = runDir.resolve(CHECKPOINT);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(runDir + ": no " + CHECKPOINT + " there (not a training run)");
        }
        return CheckpointFile.read(file);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> savedSettings(CheckpointFile ck) throws IOException {
        return ck.headerMap("config");
    }

    @Override
    protected long environmentSeed() {
        return envSeed(config.seed, comm.rank());
    }

    @Override
    protected void chooseActions() {
        if (step < config.startSteps) {
            for (int i = 0; i < u.length; i++) {
                u[i] = (float) (2 * exploreRng.nextDouble() - 1);
            }
        } else {
            for (int a = 0; a < agents; a++) {
                normalizer.normalize(obsRaw, a * obs, obsNorm, a * obs);
            }
            policy.act(learner, obsNorm, agents, u, true, exploreRng);
        }
        for (int a = 0; a < agents; a++) {
            normalizer.observe(obsRaw, a * obs);
        }
    }

    /** One transition per agent. */
    @Override
    protected void store(float[] next, float[] fin, float[] rewards, boolean[] terminated, boolean[] ended) {
        for (int a = 0; a < agents; a++) {
            replay.add(obsRaw, a * obs, u, a * act, rewards[a], ended[a] ? fin : next, a * obs, terminated[a]);
        }
    }

    /** {@code update_every} updates, each on a batch of transitions ({@link #realRowsPerBatch()} of them real). */
    @Override
    protected void updatePhase() {
        for (int j = 0; j < config.updateEvery; j++) {
            replay.sample(batch, 0, batch.size - realRows, sampleRng, normalizer);
            if (realRows > 0) {
                real.sample(batch, batch.size - realRows, realRows, sampleRng, normalizer);
            }
            learner.update(batch);
        }
    }

    @Override
    protected boolean checkpointDue(boolean evaluated, boolean last) {
        return step % config.checkpointEvery == 0 || last;
    }

    @Override
    protected Actor evaluationActor(Env env) {
        return policyActor();
    }

    /** The current policy as the simulator's {@link Actor}: normalise, spiking actor, action range. */
    public Actor policyActor() {
        float[] on = new float[obsNorm.length];
        float[] uu = new float[u.length];
        return (observation, action) -> {
            int n = observation.length / obs;
            for (int a = 0; a < n; a++) {
                normalizer.normalize(observation, a * obs, on, a * obs);
            }
            policy.act(learner, on, n, uu, false, null);
            for (int a = 0; a < n; a++) {
                for (int j = 0; j < act; j++) {
                    action[a * act + j] = center[j] + half[j] * uu[a * act + j];
                }
            }
        };
    }

    @Override
    protected List<String> metricsColumns() {
        return MetricsLog.COLUMNS;
    }

    @Override
    protected Object[] metricsRow() {
        double wall = seconds();
        return new Object[] {step, step * comm.size(), learner.updates(), wall, (step - resumedAt) / Math.max(wall, 1e-9),
                recent.mean(), recent.episodes(), lastEval, lastEvalStd, lastEvalSuccess, learner.lastCriticLoss(),
                learner.lastActorLoss(), learner.lastMeanQ(), (double) learner.actorScaler().scale(),
                (double) learner.criticScaler().scale(), learner.actorScaler().skipped() + learner.criticScaler().skipped()};
    }

    @Override
    protected String curveTitle() {
        return config.task + " " + config.algorithm + " (" + config.precision.name().toLowerCase(java.util.Locale.ROOT)
                + ", " + comm.size() + " rank" + (comm.size() > 1 ? "s" : "") + ")";
    }

    // ---- checkpoints ----

    /** Writes a checkpoint now (a collective: every rank contributes its own state). */
    public void checkpoint() throws IOException {
        if (normalizer.hasPending()) {
            throw new IllegalStateException("checkpoints are taken right after an observation-statistics sync");
        }
        byte[] mine = rankState();
        long[] len = {mine.length};
        byte[] all = comm.gather(mine);
        if (comm.isRoot()) {
            CheckpointFile ck = new CheckpointFile();
            ck.header().put("format", "myelin-checkpoint");
            ck.header().put("config", config.settings());
            ck.header().put("step", step);
            ck.header().put("ranks", comm.size());
            ck.header().put("episodes", recent.episodes());
            ck.header().put("observation_size", obs);
            ck.header().put("action_size", act);
            ck.header().put("eval_return", Double.isNaN(lastEval) ? null : lastEval);
            for (Map.Entry<String, float[]> e : learner.sharedFloats().entrySet()) {
                ck.put("float." + e.getKey(), e.getValue());
            }
            for (Map.Entry<String, long[]> e : learner.sharedCounters().entrySet()) {
                ck.put("count." + e.getKey(), e.getValue());
            }
            ck.put("normalizer", normalizer.state());
            for (int r = 0; r < comm.size(); r++) {
                ck.put("rank." + r, java.util.Arrays.copyOfRange(all, (int) (r * len[0]), (int) ((r + 1) * len[0])));
            }
            ck.write(dir.resolve(CHECKPOINT));
        }
        comm.barrier();
    }

    private byte[] rankState() {
        long[][] streams = {sampleRng.state(), exploreRng.state(), learner.rankState()};
        int n = actionLog.size();
        ByteBuffer b = ByteBuffer.allocate(8 * 9 + 8 + 4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (long[] s : streams) {
            for (long x : s) {
                b.putLong(x);
            }
        }
        b.putLong(n);
        b.asFloatBuffer().put(actionLog.data(), 0, n);
        return b.array();
    }

    /** Loads the networks, optimizer state, counters and observation statistics of a checkpoint. */
    private void loadLearned(CheckpointFile ck) throws IOException {
        for (Map.Entry<String, float[]> e : learner.sharedFloats().entrySet()) {
            float[] saved = ck.floats("float." + e.getKey());
            if (saved.length != e.getValue().length) {
                throw new IOException("checkpoint " + e.getKey() + " holds " + saved.length + " values, this network "
                        + e.getValue().length);
            }
            System.arraycopy(saved, 0, e.getValue(), 0, saved.length);
        }
        Map<String, long[]> counters = new LinkedHashMap<>();
        for (String name : ck.names()) {
            if (name.startsWith("count.")) {
                counters.put(name.substring("count.".length()), ck.longs(name));
            }
        }
        learner.restoreCounters(counters);
        normalizer.restore(ck.doubles("normalizer"));
    }

    private void restore(CheckpointFile ck) throws IOException {
        loadLearned(ck);
        long savedStep = ck.headerLong("step");
        ByteBuffer b = ByteBuffer.wrap(ck.bytes("rank." + comm.rank())).order(ByteOrder.LITTLE_ENDIAN);
        long[][] streams = new long[3][3];
        for (long[] s : streams) {
            for (int i = 0; i < 3; i++) {
                s[i] = b.getLong();
            }
        }
        int n = (int) b.getLong();
        if (n < 0 || n > b.remaining() / 4) {
            throw new IOException("checkpoint action log of rank " + comm.rank() + " claims " + n + " values, its entry holds "
                    + b.remaining() / 4);
        }
        float[] log = new float[n];
        b.asFloatBuffer().get(log);
        // Rebuild environments and replay buffer: same seed, same actions, same transitions.
        replayActionLog(log, savedStep);
        sampleRng.restore(streams[0]);
        exploreRng.restore(streams[1]);
        learner.restoreRankState(streams[2]);
        restoreEvaluation(ck);
    }

    @Override
    public Learner<ReplayBuffer.Batch> learner() {
        return learner;
    }

}
