package dev.myelin.trainer.rl;

import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.nn.Adam;
import dev.myelin.trainer.nn.Mlp;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.precision.LossScaler;
import dev.myelin.trainer.run.CheckpointFile;
import dev.myelin.trainer.run.TrainConfig;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.ToDoubleFunction;

/**
 * The one off-policy learner: what TD3 ({@link Td3}) and SAC ({@link Sac}) share, for every actor and every kind
 * of batch. A {@link PolicyModel} says what a batch's rows are: sampled transitions of a feed-forward PopSAN actor
 * ({@link TransitionPolicy}), or the loss steps of sampled windows of any sequence actor ({@code seq.WindowPolicy},
 * recurrent with burn-in, windowed, or stateless; with several agents per window one parameter-shared actor runs
 * every agent and centralised critics see all of them). Here: twin MLP critics over {@code [state | actions]} with
 * polyak-averaged targets, one Adam and one loss scaler per optimizer, the update counters and losses, and data
 * parallelism at two levels.
 *
 * <p>Across ranks (MPI): the flat gradient of each network is summed over ranks and scaled by
 * {@code 1 / (ranks * lossScale)} before the overflow check, so every rank takes the same decision and
 * the same step. Within a rank ({@code threads}, where the model allows several): the rows are split into
 * ranges, one {@link Replica} per thread computes its rows' gradients into its own buffer, and the buffers are
 * summed before the step. Randomness an update needs is drawn up front on the calling thread, so results do
 * not depend on thread timing. With fp32 the loss scale is 1 and the scaling is exact.
 *
 * <p>Allocation-free per update after construction. {@link #update} belongs to the training thread.
 *
 * @param <B> the batch type
 */
public abstract sealed class Learner<B> implements AutoCloseable permits Td3, Sac {
    protected final LearnerSettings s;
    protected final Communicator comm;
    protected final PolicyModel<B> model;
    /** Critic input columns of a row's actions. */
    protected final int width;
    /** Critic input columns of a row's state. */
    protected final int stateWidth;
    protected final Parameters actorParams;
    protected final Parameters criticParams;
    protected final Parameters criticTargetParams;
    protected final Replica[] replicas;
    protected final WorkerPool pool;
    protected final Adam actorAdam;
    protected final Adam criticAdam;
    protected final LossScaler actorScaler;
    protected final LossScaler criticScaler;
    /** Rank-local randomness of the update (target policy noise, SAC's samples). */
    protected final RandomStream noise;
    /** Rows of the update in progress over all threads. */
    protected int total;
    protected long updates;
    protected double lastCriticLoss = Double.NaN;
    protected double lastActorLoss = Double.NaN;
    protected double lastMeanQ = Double.NaN;

    /**
     * @param criticInit the stream the critics are initialised from (rank 0's weights are then broadcast)
     * @param seed       the learner's noise seed (mixed with the rank)
     */
    protected Learner(LearnerSettings settings, Communicator comm, PolicyModel<B> model, RandomStream criticInit, long seed) {
        this.s = settings;
        this.comm = comm;
        this.model = model;
        width = model.actionWidth();
        stateWidth = model.stateWidth();
        actorParams = model.parameters();
        int[] criticSizes = TwinCritics.sizes(stateWidth + width, settings.criticHidden());
        criticParams = TwinCritics.declare(criticSizes);
        TwinCritics.initialize(criticParams, criticSizes, criticInit);
        // every rank starts from rank 0's weights (MPI_Bcast), whatever its seed
        comm.broadcast(actorParams.values(), actorParams.size());
        comm.broadcast(criticParams.values(), criticParams.size());
        criticTargetParams = criticParams.copy();
        Parameters second = secondActorParameters();
        int threads = Math.min(model.replicas(settings.threads()), settings.batch());
        @SuppressWarnings("unchecked")
        Replica[] made = (Replica[]) java.lang.reflect.Array.newInstance(Replica.class, threads);
        replicas = made;
        for (int r = 0; r < threads; r++) {
            replicas[r] = new Replica(r, threads, second, criticSizes);
        }
        pool = new WorkerPool(threads, "myelin-update");
        actorAdam = new Adam(actorParams, settings.actorLr());
        criticAdam = new Adam(criticParams, settings.criticLr());
        boolean dynamic = settings.rounding() != dev.myelin.trainer.kernel.Rounding.FP32;
        actorScaler = new LossScaler(dynamic, settings.lossScaleInitial(), settings.lossScaleGrowthInterval());
        criticScaler = new LossScaler(dynamic, settings.lossScaleInitial(), settings.lossScaleGrowthInterval());
        noise = new RandomStream(seed ^ 0x6E6F697365L ^ (comm.rank() * 0x9E3779B97F4A7C15L));
    }

    /**
     * The parameters the second actor runs (TD3: the target actor's, {@link PolicyModel#targetParameters()}; SAC:
     * the actor's). Called once during construction, after the broadcast.
     */
    protected abstract Parameters secondActorParameters();

    /** Which algorithm: {@code td3} or {@code sac}. */
    public abstract String algorithm();

    /** The algorithm's part of an update on the bound rows (at least one). */
    protected abstract void step();

    /**
     * Exploration for rollouts: turns the actor's deterministic actions of {@code n} outputs (with their pre-squash
     * values and, for an actor with a readout, its log_std) into the actions executed, in place.
     */
    public abstract void explore(float[] actions, float[] preSquash, float[] logStd, int n, RandomStream rnd);

    /** The networks and buffers of one thread for its rows, with their own gradient buffers (thread 0 writes straight into the parameters' gradients). */
    protected final class Replica {
        public final int index;
        public final PolicyRows<B> rows;
        /** The twin critics and their targets over this thread's rows. */
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

        Replica(int index, int count, Parameters second, int[] criticSizes) {
            this.index = index;
            rows = model.rows(index, count, second, s.rounding());
            int n = model.maxRows(index, count);
            critics = new TwinCritics(criticParams, criticTargetParams, criticSizes, n, s.rounding());
            actorGrad = index == 0 ? actorParams.gradients() : new float[actorParams.size()];
            criticGrad = index == 0 ? criticParams.gradients() : new float[criticParams.size()];
            target = new float[n];
            logp = new float[n];
            u = new float[n * width];
            gU1 = new float[n * width];
            gU2 = new float[n * width];
            gZ = new float[n * width];
            gLogStd = new float[n * width];
            eps = new float[n * width];
            std = new float[n * width];
        }

        /** Fills {@code q}'s input with the rows' states (or next states) and {@code actions} (row layout). */
        public void criticInput(Mlp q, boolean next, float[] actions) {
            rows.fillState(q, next);
            rows.fillActions(q, actions);
        }
    }

    /** One update on a sampled batch (a collective under MPI): critics every call, the policy as the algorithm schedules it. */
    public final void update(B b) {
        bind(b);
        updates++;
        if (total > 0) {
            step();
        }
    }

    /** Makes {@code b} the replicas' batch and counts its rows. */
    protected final void bind(B b) {
        int n = 0;
        for (Replica r : replicas) {
            n += r.rows.bind(b);
        }
        total = n;
    }

    /** Runs {@code phase} on every replica (in parallel when there are several threads). */
    protected final void onReplicas(IntConsumer phase) {
        pool.run(phase);
    }

    /**
     * Whether the update just counted takes the delayed policy step (TD3's delayed actor, Fujimoto et al. 2018):
     * every {@code policyDelay}-th update.
     */
    protected final boolean policyStepDue() {
        return updates % s.policyDelay() == 0;
    }

    /**
     * The critic half of an update: runs {@code targets} on every replica (which leaves each row's target in
     * {@code r.target}), regresses both critics on them, records the batch's critic loss and mean Q1, and steps
     * the critics.
     */
    protected final void criticUpdate(IntConsumer targets) {
        onReplicas(targets);
        lastCriticLoss = sum(r -> r.criticLoss) / total;
        lastMeanQ = sum(r -> r.meanQ) / total;
        stepCritic();
    }

    /**
     * Starts replica {@code k}'s critic phase ({@code critic}: zeroes its critic gradient buffer, runs the second
     * actor on the rows' next states) or actor phase (zeroes its actor gradient buffer, runs the actor on the rows'
     * states).
     */
    protected final Replica startPhase(int k, boolean critic) {
        Replica r = replicas[k];
        zero(critic ? r.criticGrad : r.actorGrad);
        if (critic) {
            r.rows.nextPolicy();
        } else {
            r.rows.policy();
        }
        return r;
    }

    /**
     * The twin critics' regression step for replica {@code r}'s rows: Q1 and Q2 of the stored (state, actions)
     * against {@code r.target}, squared-error loss (summed into {@code r.criticLoss}, Q1's into {@code r.meanQ})
     * and its loss-scaled gradient into {@code r.criticGrad}.
     */
    protected final void regressCritics(Replica r) {
        TwinCritics c = r.critics;
        r.rows.fillState(c.q1, false);
        r.rows.fillStoredActions(c.q1);
        r.rows.fillState(c.q2, false);
        r.rows.fillStoredActions(c.q2);
        c.regress(r.target, r.rows.rows(), 2f * criticScaler.scale() / total, r.criticGrad);
        r.criticLoss = c.lossSum();
        r.meanQ = c.q1Sum();
    }

    /**
     * The actor half of an update: runs {@code actorPhase} on every replica, records the batch's actor loss, steps
     * the actor, polyak-averages the second actor towards it when {@code averageSecond} (TD3's target actor), and
     * refreshes the second actors. Returns the batch's mean log-likelihood as the replicas report it (SAC).
     */
    protected final double actorUpdate(IntConsumer actorPhase, boolean averageSecond) {
        double meanLogp = actorGradients(actorPhase);
        stepActor();
        if (averageSecond) {
            secondActorParameters().polyakFrom(actorParams, s.polyak());
        }
        for (Replica r : replicas) {
            r.rows.refreshSecond();
        }
        return meanLogp;
    }

    /** Runs {@code actorPhase} on every replica and records the actor loss; returns the mean log-likelihood. */
    protected final double actorGradients(IntConsumer actorPhase) {
        onReplicas(actorPhase);
        lastActorLoss = sum(r -> r.actorLoss) / total;
        return sum(r -> r.meanLogp) / total;
    }

    /** A replica figure summed over the replicas, in replica order. */
    private double sum(ToDoubleFunction<Replica> figure) {
        double v = 0;
        for (Replica r : replicas) {
            v += figure.applyAsDouble(r);
        }
        return v;
    }

    /** Sums the replicas' critic gradients, averages over ranks, unscales, steps if finite. */
    private void stepCritic() {
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
    private void stepActor() {
        sumInto(actorParams.gradients(), false);
        comm.sum(actorParams.gradients(), actorParams.size());
        if (actorScaler.unscale(actorParams, 1f / comm.size())) {
            actorAdam.step();
        }
        for (Replica r : replicas) {
            r.rows.refreshActor();
        }
    }

    private void sumInto(float[] all, boolean critic) {
        for (int k = 1; k < replicas.length; k++) {
            float[] g = critic ? replicas[k].criticGrad : replicas[k].actorGrad;
            for (int i = 0; i < all.length; i++) {
                all[i] += g[i];
            }
        }
    }

    protected static void zero(float[] g) {
        java.util.Arrays.fill(g, 0f);
    }

    /** Polyak-averages the critic targets towards the critics. */
    protected final void updateCriticTargets() {
        criticTargetParams.polyakFrom(criticParams, s.polyak());
        for (Replica r : replicas) {
            r.critics.refreshTargets();
        }
    }

    /** Q1 of the batch's rows with the actor's current deterministic actions (diagnostics; not allocation-free). */
    public double meanPolicyQ(B b) {
        return meanQ1(b, true);
    }

    /** Q1 of the batch's rows with its stored (behaviour) actions, for comparison with {@link #meanPolicyQ}. */
    public double meanBehaviourQ(B b) {
        return meanQ1(b, false);
    }

    private double meanQ1(B b, boolean policy) {
        bind(b);
        double m = 0;
        for (Replica r : replicas) {
            Mlp q = r.critics.q1;
            r.rows.fillState(q, false);
            if (policy) {
                r.rows.policy();
                r.rows.fillActions(q, r.rows.actions());
            } else {
                r.rows.fillStoredActions(q);
            }
            float[] v = q.forward(r.rows.rows());
            for (int k = 0; k < r.rows.rows(); k++) {
                m += v[k];
            }
        }
        return m / total;
    }

    // ---- figures ----

    public final long updates() {
        return updates;
    }

    public final double lastCriticLoss() {
        return lastCriticLoss;
    }

    public final double lastActorLoss() {
        return lastActorLoss;
    }

    public final double lastMeanQ() {
        return lastMeanQ;
    }

    /** The critics' input width: a row's state and actions. */
    public final int criticInputWidth() {
        return stateWidth + width;
    }

    public final PolicyModel<B> model() {
        return model;
    }

    public final Parameters actorParameters() {
        return actorParams;
    }

    public final Parameters criticParameters() {
        return criticParams;
    }

    public final Parameters criticTargetParameters() {
        return criticTargetParams;
    }

    public final Adam actorOptimizer() {
        return actorAdam;
    }

    public final Adam criticOptimizer() {
        return criticAdam;
    }

    public final LossScaler actorScaler() {
        return actorScaler;
    }

    public final LossScaler criticScaler() {
        return criticScaler;
    }

    /** Threads an update runs on. */
    public final int threads() {
        return replicas.length;
    }

    /** The learner's noise stream (target smoothing, policy samples). */
    public final RandomStream noise() {
        return noise;
    }

    // ---- checkpoints: the feed-forward run's layout (shared arrays by name, counters, per-rank noise) ----

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

    /** This rank's own state (its noise stream). */
    public long[] rankState() {
        return noise.state();
    }

    public void restoreRankState(long[] state) {
        noise.restore(state);
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

    // ---- checkpoints: the sequence run's layout (entries by name; the actor's values are the run's) ----

    /**
     * Everything an update depends on besides the actor's values: critics, their targets, the optimizers' moments
     * and step counts, the noise stream (and what the algorithm adds).
     */
    public void save(CheckpointFile ck) {
        ck.put("critic", criticParams.values());
        ck.put("critic_target", criticTargetParams.values());
        ck.put("actor_adam_m", actorAdam.firstMoments());
        ck.put("actor_adam_v", actorAdam.secondMoments());
        ck.put("critic_adam_m", criticAdam.firstMoments());
        ck.put("critic_adam_v", criticAdam.secondMoments());
        ck.put("learner_counters", new long[] {updates, actorAdam.steps(), criticAdam.steps()});
        ck.put("learner_noise", noise.state());
    }

    /** Restores what {@link #save} wrote (the actor's values are restored by the caller first); refuses a mismatch by name. */
    public void restore(CheckpointFile ck) {
        copy(ck, "critic", criticParams.values());
        copy(ck, "critic_target", criticTargetParams.values());
        copy(ck, "actor_adam_m", actorAdam.firstMoments());
        copy(ck, "actor_adam_v", actorAdam.secondMoments());
        copy(ck, "critic_adam_m", criticAdam.firstMoments());
        copy(ck, "critic_adam_v", criticAdam.secondMoments());
        long[] c = ck.longs(require(ck, "learner_counters"));
        if (c.length != 3) {
            throw new IllegalArgumentException("checkpoint entry 'learner_counters' must hold 3 numbers");
        }
        noise.restore(ck.longs(require(ck, "learner_noise")));
        updates = c[0];
        actorAdam.restoreSteps(c[1]);
        criticAdam.restoreSteps(c[2]);
        refreshAll();
    }

    /** Copies a checkpoint entry into {@code to}, refusing a missing entry or a different length by name. */
    protected static void copy(CheckpointFile ck, String name, float[] to) {
        float[] from = ck.floats(require(ck, name));
        if (from.length != to.length) {
            throw new IllegalArgumentException("checkpoint entry '" + name + "' holds " + from.length + " values, this run needs "
                    + to.length + " (a different configuration?)");
        }
        System.arraycopy(from, 0, to, 0, to.length);
    }

    protected static String require(CheckpointFile ck, String name) {
        if (!ck.has(name)) {
            throw new IllegalArgumentException("checkpoint has no entry '" + name + "'");
        }
        return name;
    }

    /** Re-reads master weights into every network's working copy (after a restore). */
    public void refreshAll() {
        for (Replica r : replicas) {
            r.rows.refreshActor();
            r.rows.refreshSecond();
            r.critics.refreshCritics();
            r.critics.refreshTargets();
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    /**
     * The feed-forward learner a {@link TrainConfig} names: PopSAN over transitions, TD3 or SAC.
     *
     * @param actingBatch most observations its acting network is given at once (agents per rank)
     */
    public static Learner<ReplayBuffer.Batch> create(TrainConfig config, Communicator comm, int obs, int act,
                                                     int actingBatch, long seed) {
        RandomStream init = new RandomStream(seed);
        TransitionPolicy policy = new TransitionPolicy(config, obs, act, actingBatch, config.algorithm.equals("sac"), init);
        return of(config.algorithm, config.learnerSettings(), comm, policy, init, seed);
    }

    /** {@code td3} or {@code sac} over {@code model}. */
    public static <B> Learner<B> of(String algorithm, LearnerSettings settings, Communicator comm, PolicyModel<B> model,
                                    RandomStream criticInit, long seed) {
        return switch (algorithm) {
            case "td3" -> new Td3<>(settings, comm, model, criticInit, seed);
            case "sac" -> new Sac<>(settings, comm, model, criticInit, seed);
            default -> throw new IllegalArgumentException("unknown algorithm " + algorithm);
        };
    }
}
