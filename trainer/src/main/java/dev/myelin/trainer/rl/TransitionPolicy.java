package dev.myelin.trainer.rl;

import dev.myelin.policy.model.CubaLif;
import dev.myelin.trainer.kernel.Rounding;
import dev.myelin.trainer.nn.Mlp;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.PopSanActor;
import dev.myelin.trainer.nn.PopSanActor.ActorShape;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.nn.Surrogate;
import dev.myelin.trainer.run.TrainConfig;

/**
 * Feed-forward PopSAN (Tang et al. 2020) trained on sampled transitions, as a {@link Learner} drives it: a row
 * is one transition, its state the normalised observation, its actions the agent's. The batch splits into one
 * row range per update thread, each with its own actor and second actor at the update's precision over the
 * shared master values; acting uses a separate fp32 actor over the same values, so the policy that explores is
 * the one that is exported. With SAC the actor reads out a state-dependent log_std. The training thread.
 */
public final class TransitionPolicy implements PolicyModel<ReplayBuffer.Batch> {
    private final ActorShape shape;
    private final Surrogate surrogate;
    private final float surrogateWidth;
    private final int batch;
    private final boolean logStdHead;
    private final Parameters params;
    private Parameters target;
    private final PopSanActor rollout;

    /**
     * Declares and initialises PopSAN from {@code init} (the learner goes on to initialise its critics from the
     * same stream).
     *
     * @param actingBatch most observations {@link #act} is given at once
     * @param logStdHead  whether the actor reads out a log_std (SAC)
     */
    public TransitionPolicy(TrainConfig config, int obs, int act, int actingBatch, boolean logStdHead, RandomStream init) {
        shape = new ActorShape(obs, act, config.population, config.population, config.actorHidden, config.timesteps,
                CubaLif.POPSAN);
        surrogate = config.surrogate;
        surrogateWidth = config.surrogateWidth;
        batch = config.batchSize;
        this.logStdHead = logStdHead;
        Parameters.Builder b = Parameters.builder();
        PopSanActor.declare(b, shape, logStdHead);
        params = b.build();
        PopSanActor.initialize(params, shape, init);
        rollout = new PopSanActor(params, shape, surrogate, surrogateWidth, actingBatch, Rounding.FP32);
    }

    public ActorShape shape() {
        return shape;
    }

    /** The fp32 actor used for acting. */
    public PopSanActor rolloutActor() {
        return rollout;
    }

    /**
     * Actions for {@code n} normalised observations ({@code obsNorm [n, obs]}) into {@code u [n, act]} in [-1, 1]
     * units; with {@code explore} the learner's exploration is added from {@code rnd}.
     */
    public void act(Learner<ReplayBuffer.Batch> learner, float[] obsNorm, int n, float[] u, boolean explore,
                    RandomStream rnd) {
        int obs = shape.observationSize();
        int act = shape.actionSize();
        System.arraycopy(obsNorm, 0, rollout.input(), 0, n * obs);
        rollout.forward(n);
        System.arraycopy(rollout.action(), 0, u, 0, n * act);
        if (explore) {
            learner.explore(u, rollout.preActivation(), logStdHead ? rollout.logStd() : null, n * act, rnd);
        }
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public Parameters targetParameters() {
        if (target == null) {
            target = params.copy();
        }
        return target;
    }

    @Override
    public int stateWidth() {
        return shape.observationSize();
    }

    @Override
    public int actionWidth() {
        return shape.actionSize();
    }

    @Override
    public int actionSize() {
        return shape.actionSize();
    }

    @Override
    public boolean logStdReadout() {
        return logStdHead;
    }

    @Override
    public int replicas(int requested) {
        return requested;
    }

    @Override
    public int maxRows() {
        return batch;
    }

    @Override
    public int maxRows(int index, int count) {
        return batch * (index + 1) / count - batch * index / count;
    }

    @Override
    public PolicyRows<ReplayBuffer.Batch> rows(int index, int count, Parameters second, Rounding rounding) {
        return new Rows(batch * index / count, batch * (index + 1) / count, second, rounding);
    }

    @Override
    public double actorForwardFlops(int rows) {
        return rollout.denseForwardFlops(rows);
    }

    /** Batch rows {@code [lo, hi)} with their actor and second actor. */
    private final class Rows implements PolicyRows<ReplayBuffer.Batch> {
        private final int lo;
        private final int rows;
        private final int obs;
        private final int act;
        private final PopSanActor actor;
        private final PopSanActor second;
        private final float[] gZ;
        private PopSanActor last;
        private ReplayBuffer.Batch b;

        Rows(int lo, int hi, Parameters secondParams, Rounding rounding) {
            this.lo = lo;
            this.rows = hi - lo;
            obs = shape.observationSize();
            act = shape.actionSize();
            actor = new PopSanActor(params, shape, surrogate, surrogateWidth, rows, rounding);
            second = new PopSanActor(secondParams, shape, surrogate, surrogateWidth, rows, rounding);
            gZ = new float[rows * act];
            last = actor;
        }

        @Override
        public int bind(ReplayBuffer.Batch batch) {
            if (batch.size != TransitionPolicy.this.batch) {
                throw new IllegalArgumentException("batch of " + batch.size + " transitions, configured for "
                        + TransitionPolicy.this.batch);
            }
            b = batch;
            return rows;
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public int rowOffset() {
            return lo;
        }

        @Override
        public float[] rewards() {
            return b.reward;
        }

        @Override
        public float[] terminals() {
            return b.terminal;
        }

        @Override
        public void fillState(Mlp q, boolean next) {
            float[] src = next ? b.next : b.obs;
            float[] in = q.input();
            int w = obs + act;
            for (int r = 0; r < rows; r++) {
                System.arraycopy(src, (lo + r) * obs, in, r * w, obs);
            }
        }

        @Override
        public void fillStoredActions(Mlp q) {
            float[] in = q.input();
            int w = obs + act;
            for (int r = 0; r < rows; r++) {
                System.arraycopy(b.action, (lo + r) * act, in, r * w + obs, act);
            }
        }

        @Override
        public void fillActions(Mlp q, float[] actions) {
            float[] in = q.input();
            int w = obs + act;
            for (int r = 0; r < rows; r++) {
                System.arraycopy(actions, r * act, in, r * w + obs, act);
            }
        }

        @Override
        public void nextPolicy() {
            run(second, b.next);
        }

        @Override
        public void policy() {
            run(actor, b.obs);
        }

        private void run(PopSanActor net, float[] src) {
            System.arraycopy(src, lo * obs, net.input(), 0, rows * obs);
            net.forward(rows);
            last = net;
        }

        @Override
        public float[] actions() {
            return last.action();
        }

        @Override
        public float[] preSquash() {
            return last.preActivation();
        }

        @Override
        public float[] logStd() {
            return logStdHead ? last.logStd() : null;
        }

        @Override
        public void backwardActions(float[] gActions, float[] grad) {
            float[] u = actor.action();
            for (int i = 0; i < rows * act; i++) {
                // u = tanh(z)
                gZ[i] = gActions[i] * (1f - u[i] * u[i]);
            }
            actor.backward(gZ, null, grad);
        }

        @Override
        public void backwardPreSquash(float[] gPreSquash, float[] gLogStd, float[] grad) {
            actor.backward(gPreSquash, gLogStd, grad);
        }

        @Override
        public void refreshActor() {
            actor.refreshWeights();
        }

        @Override
        public void refreshSecond() {
            second.refreshWeights();
        }
    }
}
