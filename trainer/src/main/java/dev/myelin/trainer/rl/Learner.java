package dev.myelin.trainer.rl;

import dev.myelin.trainer.kernel.Rounding;
import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.nn.Adam;
import dev.myelin.trainer.nn.Mlp;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.PopSanActor;
import dev.myelin.trainer.nn.PopSanActor.ActorShape;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.precision.LossScaler;
import dev.myelin.trainer.run.TrainConfig;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.ToDoubleFunction;

/**
 * What TD3 and SAC share: a population-coded spiking actor, twin MLP critics with polyak-averaged
 * targets, one Adam and one loss scaler per optimizer, and data parallelism at two levels.
 *
 * <p>Across ranks (MPI): the flat gradient of each network is summed over ranks and scaled by
 * {@code 1 / (ranks * lossScale)} before the overflow check, so every rank takes the same decision and
 * the same step. Within a rank ({@code threads}): the batch is split into row ranges, one
 * {@link Replica} of the networks per thread computes its rows' gradients into its own buffer, and the
 * buffers are summed before the step. Randomness an update needs is drawn up front on the calling thread,
 * so results do not depend on thread timing.
 *
 * <p>Acting uses a separate fp32 instance of the actor over the same master weights, so the policy that
 * explores is the one that is exported. {@link #update} and {@link #act} belong to the training thread.
 */
public abstract class Learner extends OffPolicyLearner implements AutoCloseable {
    protected final TrainConfig config;
    protected final Communicator comm;
    protected final ActorShape shape;
    protected final int obs;
    protected final int act;
    protected final int batch;
    protected final Rounding rounding;

    protected final Parameters actorParams;
    protected final Parameters criticParams;
    protected final Parameters criticTargetParams;
    protected final PopSanActor rollout;
    protected final Replica[] replicas;
    protected final WorkerPool pool;
    protected final Adam actorAdam;
    protected final Adam criticAdam;
    protected final LossScaler actorScaler;
    protected final LossScaler criticScaler;
    /** Rank-local randomness of the update (target policy noise, SAC's reparameterisation). */
    protected final RandomStream noise;

    /** The sampled batch of the update in progress (read by the replicas). */
    protected ReplayBuffer.Batch current;

    protected Learner(TrainConfig config, Communicator comm, int observationSize, int actionSize, int actingBatch,
                      boolean logStdHead, long seed) {
        this.config = config;
        this.comm = comm;
        this.obs = observationSize;
        this.act = actionSize;
        this.batch = config.batchSize;
        this.rounding = config.precision;
        int threads = Math.min(config.threads, batch);
        shape = new ActorShape(observationSize, actionSize, config.population, config.population, config.actorHidden,
                config.timesteps, dev.myelin.policy.model.CubaLif.POPSAN);
        Parameters.Builder ab = Parameters.builder();
        PopSanActor.declare(ab, shape, logStdHead);
        actorParams = ab.build();
        int[] criticSizes = TwinCritics.sizes(obs + act, config.criticHidden);
        criticParams = TwinCritics.declare(criticSizes);

        // Rank 0 initialises; every rank starts from its weights (MPI_Bcast), whatever its seed.
        RandomStream init = new RandomStream(seed);
        PopSanActor.initialize(actorParams, shape, init);
        TwinCritics.initialize(criticParams, criticSizes, init);
        comm.broadcast(actorParams.values(), actorParams.size());
        comm.broadcast(criticParams.values(), criticParams.size());
        criticTargetParams = criticParams.copy();

        rollout = new PopSanActor(actorParams, shape, config.surrogate, config.surrogateWidth, actingBatch, Rounding.FP32);
        replicas = new Replica[threads];
        for (int r = 0; r < threads; r++) {
            replicas[r] = new Replica(r, batch * r / threads, batch * (r + 1) / threads, criticSizes);
        }
        pool = new WorkerPool(threads, "myelin-update");
        actorAdam = new Adam(actorParams, config.actorLr);
        criticAdam = new Adam(criticParams, config.criticLr);
        boolean dynamic = rounding != Rounding.FP32;
        actorScaler = new LossScaler(dynamic, config.lossScaleInitial, config.lossScaleGrowthInterval);
        criticScaler = new LossScaler(dynamic, config.lossScaleInitial, config.lossScaleGrowthInterval);
        noise = new RandomStream(seed ^ 0x6E6F697365L ^ (comm.rank() * 0x9E3779B97F4A7C15L));
    }

    /** The actor that evaluates a replica's next observations (TD3: the target actor; SAC: the actor). */
    protected abstract Parameters secondActorParameters();

    /**
     * The networks of one thread for batch rows {@code [lo, hi)}, with their own gradient buffers (replica 0
     * writes straight into the parameters' gradient arrays) and scratch space.
     */
    protected final class Replica {
        public final int index;
        public final int lo;
        public final int hi;
        public final int rows;
        public final PopSanActor actor;
        public PopSanActor second;
        /** The twin critics and their targets over this replica's rows. */
        public final TwinCritics critics;
        public final float[] actorGrad;
        public final float[] criticGrad;
        public final float[] target;
        public final float[] logp;
        public final float[] u;
        public final float[] gU1;
        public final float[] gU2;
        public final float[] gZ;
        public final float[] gLogStd;
        public final float[] eps;
        public final float[] std;
        public double criticLoss;
        public double meanQ;
        public double actorLoss;
        public double meanLogp;

        Replica(int index, int lo, int hi, int[] criticSizes) {
            this.index = index;
            this.lo = lo;
            this.hi = hi;
            this.rows = hi - lo;
            actor = new PopSanActor(actorParams, shape, config.surrogate, config.surrogateWidth, rows, rounding);
            critics = new TwinCritics(criticParams, criticTargetParams, criticSizes, rows, rounding);
            actorGrad = index == 0 ? actorParams.gradients() : new float[actorParams.size()];
            criticGrad = index == 0 ? criticParams.gradients() : new float[criticParams.size()];
            target = new float[rows];
            logp = new float[rows];
            u = new float[rows * act];
            gU1 = new float[rows * act];
            gU2 = new float[rows * act];
            gZ = new float[rows * act];
            gLogStd = new float[rows * act];
            eps = new float[rows * act];
            std = new float[rows * act];
        }

        /**
         * Copies this replica's rows of {@code [o | a]} into {@code q}'s input: o from the batch-wide
         * {@code oSrc}, a from {@code aSrc} starting at row {@code aRow0} ({@code lo} for batch-wide arrays,
         * 0 for this replica's own).
         */
        public void criticInput(Mlp q, float[] oSrc, float[] aSrc, int aRow0) {
            float[] in = q.input();
            int w = obs + act;
            for (int b = 0; b < rows; b++) {
                System.arraycopy(oSrc, (lo + b) * obs, in, b * w, obs);
                System.arraycopy(aSrc, (aRow0 + b) * act, in, b * w + obs, act);
            }
        }

        /** Copies this replica's rows of {@code src} ([batch, obs]) into {@code net}'s input. */
        public void actorInput(PopSanActor net, float[] src) {
            System.arraycopy(src, lo * obs, net.input(), 0, rows * obs);
        }

        void refresh() {
            actor.refreshWeights();
            if (second != null) {
                second.refreshWeights();
            }
            critics.refreshCritics();
            critics.refreshTargets();
        }
    }

    /** Creates each replica's second actor; subclasses call this at the end of their constructor. */
    protected void createSecondActors() {
        for (Replica r : replicas) {
            r.second = new PopSanActor(secondActorParameters(), shape, config.surrogate, config.surrogateWidth, r.rows,
                    rounding);
        }
    }

    /** One gradient update on a sampled batch (a collective under MPI). */
    public abstract void update(ReplayBuffer.Batch b);

    /**
     * Actions for {@code n} normalised observations ({@code obsNorm [n, obs]}) into {@code u [n, act]} in
     * [-1, 1] units; with {@code explore} the algorithm's exploration is added from {@code rnd}.
     */
    public abstract void act(float[] obsNorm, int n, float[] u, boolean explore, RandomStream rnd);

    /** Runs {@code phase} on every replica (in parallel when there are several threads). */
    protected void onReplicas(IntConsumer phase) {
        pool.run(phase);
    }

    /** Starts an update on {@code b}: checks its size, counts the update and makes it the replicas' batch. */
    protected final void begin(ReplayBuffer.Batch b) {
        if (b.size != batch) {
            throw new IllegalArgumentException("batch of " + b.size + " transitions, configured for " + batch);
        }
        updates++;
        current = b;
    }

    /**
     * The critic half of an update: runs {@code criticPhase} on every replica (which leaves each replica's
     * loss, mean Q1 and gradient), records the batch's critic loss and mean Q1, and steps the critics.
     */
    protected final void criticUpdate(IntConsumer criticPhase) {
        onReplicas(criticPhase);
        lastCriticLoss = sum(r -> r.criticLoss) / batch;
        lastMeanQ = sum(r -> r.meanQ) / batch;
        stepCritic();
    }

    /**
     * The actor half of an update: runs {@code actorPhase} on every replica, records the batch's actor loss,
     * steps the actor, polyak-averages the second actor's parameters towards it when {@code averageSecond}
     * (TD3's target actor), and refreshes the replicas' second actors. Returns the batch's mean
     * log-likelihood as the replicas report it (SAC; 0 when they do not).
     */
    protected final double actorUpdate(IntConsumer actorPhase, boolean averageSecond) {
        onReplicas(actorPhase);
        lastActorLoss = sum(r -> r.actorLoss) / batch;
        stepActor();
        if (averageSecond) {
            secondActorParameters().polyakFrom(actorParams, config.polyak);
        }
        for (Replica r : replicas) {
            r.second.refreshWeights();
        }
        return sum(r -> r.meanLogp) / batch;
    }

    /** A replica figure summed over the replicas, in replica order. */
    private double sum(ToDoubleFunction<Replica> figure) {
        double s = 0;
        for (Replica r : replicas) {
            s += figure.applyAsDouble(r);
        }
        return s;
    }

    /** Sums the replicas' critic gradients, averages over ranks, unscales, steps if finite. */
    protected void stepCritic() {
        sumInto(criticParams.gradients(), true);
        comm.sum(criticParams.gradients(), criticParams.size());
        if (criticScaler.unscale(criticParams, 1f / comm.size())) {
            criticAdam.step();
        }
        for (Replica r : replicas) {
            r.critics.refreshCritics();
        }
    }

    /** Sums the replicas' actor gradients, averages over ranks, unscales, steps if finite. */
    protected void stepActor() {
        sumInto(actorParams.gradients(), false);
        comm.sum(actorParams.gradients(), actorParams.size());
        if (actorScaler.unscale(actorParams, 1f / comm.size())) {
            actorAdam.step();
        }
        for (Replica r : replicas) {
            r.actor.refreshWeights();
        }
    }

    private void sumInto(float[] total, boolean critic) {
        for (int k = 1; k < replicas.length; k++) {
            float[] g = critic ? replicas[k].criticGrad : replicas[k].actorGrad;
            for (int i = 0; i < total.length; i++) {
                total[i] += g[i];
            }
        }
    }

    /**
     * The twin critics' regression step for replica {@code r}'s rows: Q1 and Q2 of the batch's
     * (observation, action) against {@code r.target}, squared-error loss (summed into {@code r.criticLoss},
     * Q1's mean into {@code r.meanQ}) and its loss-scaled gradient into {@code r.criticGrad}.
     */
    protected final void regressCritics(Replica r, ReplayBuffer.Batch b) {
        TwinCritics c = r.critics;
        r.criticInput(c.q1, b.obs, b.action, r.lo);
        r.criticInput(c.q2, b.obs, b.action, r.lo);
        c.regress(r.target, r.rows, 2f * criticScaler.scale() / batch, r.criticGrad);
        r.criticLoss = c.lossSum();
        r.meanQ = c.q1Sum();
    }

    /**
     * Starts replica {@code k}'s critic phase ({@code critic}) or actor phase: zeroes that gradient buffer and
     * runs the phase's actor on the replica's rows, the second actor (TD3: the target actor; SAC: the actor) on
     * the next observations for the critics, the actor on the observations for the actor. Returns the replica.
     */
    protected final Replica startPhase(int k, boolean critic) {
        Replica r = replicas[k];
        if (k > 0) {
            zero(critic ? r.criticGrad : r.actorGrad);
        } else {
            (critic ? criticParams : actorParams).zeroGradients();
        }
        PopSanActor net = critic ? r.second : r.actor;
        r.actorInput(net, critic ? current.next : current.obs);
        net.forward(r.rows);
        return r;
    }

    /** Zeroes this replica's critic (or actor) gradient buffer; call at the start of its phase. */
    protected static void zero(float[] g) {
        java.util.Arrays.fill(g, 0f);
    }

    /** Polyak-averages the critic targets towards the critics (and subclasses' other targets). */
    protected void updateTargets() {
        criticTargetParams.polyakFrom(criticParams, config.polyak);
        for (Replica r : replicas) {
            r.critics.refreshTargets();
        }
    }

    public Parameters actorParameters() {
        return actorParams;
    }

    public Parameters criticParameters() {
        return criticParams;
    }

    public ActorShape actorShape() {
        return shape;
    }

    /** The fp32 actor used for acting. */
    public PopSanActor rolloutActor() {
        return rollout;
    }

    public LossScaler actorScaler() {
        return actorScaler;
    }

    public LossScaler criticScaler() {
        return criticScaler;
    }

    /** Threads an update runs on. */
    public int threads() {
        return replicas.length;
    }

    /** Floating-point state shared by all ranks, by name, for checkpoints (live arrays). */
    public Map<String, float[]> sharedFloats() {
        Map<String, float[]> m = new LinkedHashMap<>();
        m.put("actor", actorParams.values());
        m.put("critic", criticParams.values());
        m.put("critic_target", criticTargetParams.values());
        m.put("actor_adam.m", actorAdam.firstMoments());
        m.put("actor_adam.v", actorAdam.secondMoments());
        m.put("critic_adam.m", criticAdam.firstMoments());
        m.put("critic_adam.v", criticAdam.secondMoments());
        return m;
    }

    /** Counters shared by all ranks, for checkpoints. */
    public Map<String, long[]> sharedCounters() {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("updates", new long[] {updates});
        m.put("actor_adam.steps", new long[] {actorAdam.steps()});
        m.put("critic_adam.steps", new long[] {criticAdam.steps()});
        m.put("actor_scaler", actorScaler.state());
        m.put("critic_scaler", criticScaler.state());
        return m;
    }

    /** Restores what {@link #sharedCounters()} returned (floats are restored through the live arrays). */
    public void restoreCounters(Map<String, long[]> m) {
        updates = single(m, "updates");
        actorAdam.restoreSteps(single(m, "actor_adam.steps"));
        criticAdam.restoreSteps(single(m, "critic_adam.steps"));
        actorScaler.restore(require(m, "actor_scaler"));
        criticScaler.restore(require(m, "critic_scaler"));
        refreshAll();
    }

    /** Re-reads master weights into every network's working copy (after a restore). */
    public void refreshAll() {
        for (Replica r : replicas) {
            r.refresh();
        }
    }

    /** This rank's own state (its noise stream). */
    public long[] rankState() {
        return noise.state();
    }

    public void restoreRankState(long[] s) {
        noise.restore(s);
    }

    protected static long[] require(Map<String, long[]> m, String key) {
        long[] v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("checkpoint lacks '" + key + "'");
        }
        return v;
    }

    protected static long single(Map<String, long[]> m, String key) {
        long[] v = require(m, key);
        if (v.length != 1) {
            throw new IllegalArgumentException("checkpoint entry '" + key + "' must hold one number");
        }
        return v[0];
    }

    @Override
    public void close() {
        pool.close();
    }

    /**
     * Creates the learner the configuration names.
     *
     * @param actingBatch most observations {@link #act} will be given at once (agents per rank)
     */
    public static Learner create(TrainConfig config, Communicator comm, int obs, int act, int actingBatch, long seed) {
        return switch (config.algorithm) {
            case "td3" -> new Td3(config, comm, obs, act, actingBatch, seed);
            case "sac" -> new Sac(config, comm, obs, act, actingBatch, seed);
            default -> throw new IllegalArgumentException("unknown algorithm " + config.algorithm);
        };
    }
}
