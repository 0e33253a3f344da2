package dev.myelin.trainer.seq;

import dev.myelin.trainer.kernel.Rounding;
import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.nn.Mlp;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.rl.Learner;
import dev.myelin.trainer.rl.LearnerSettings;
import dev.myelin.trainer.rl.PolicyModel;
import dev.myelin.trainer.rl.PolicyRows;

import java.util.Arrays;

/**
 * Any {@link SequenceActor} trained on sampled windows, as the {@link Learner} drives it. A batch from
 * {@link SequenceReplay} holds {@code batch} windows of {@code burnIn + length} steps for each of {@code agents}
 * agents; its rows are the loss steps (non-burn-in, non-padding). The actor runs every window from zero state,
 * step by step, and the burn-in steps only warm its state up; a row's state for the critics is its history
 * {@code H_t} (the last {@code history} normalised observations and previous actions of every agent), its actions
 * every agent's. With several agents (CTDE) one parameter-shared actor runs every agent's own sequence and the
 * centralised critics see all agents. Here: the bookkeeping between the rows and the actor's step-major sequence
 * layout. One update thread. The training thread.
 */
public final class WindowPolicy implements PolicyModel<SequenceReplay.Batch> {
    /** The shape of the windows a learner is given: windows per batch, burn-in, loss steps, critic history. */
    public record Windows(int batch, int burnIn, int length, int history) {
        public Windows {
            if (batch < 1 || burnIn < 0 || length < 1 || history < 1) {
                throw new IllegalArgumentException("windows need batch, length and history >= 1 and burn_in >= 0, got "
                        + batch + ", " + length + ", " + history + " and " + burnIn);
            }
        }

        /** burnIn + length: the steps of one training window. */
        public int window() {
            return burnIn + length;
        }
    }

    private final SequenceActor actor;
    private final SequenceActor target;
    private final Windows w;
    private final int agents;
    private final int obs;
    private final int act;
    private final int historyWidth;

    /**
     * @param actor  the online actor (trained in place)
     * @param target for TD3, an actor of the same family and shape (its values are overwritten by the online ones now);
     *               null for SAC
     * @param agents agents per window (robots per world)
     */
    public WindowPolicy(SequenceActor actor, SequenceActor target, Windows windows, int agents) {
        if (agents < 1) {
            throw new IllegalArgumentException("agents per window must be >= 1, got " + agents);
        }
        if (target != null && !actor.parameters().sameLayout(target.parameters())) {
            throw new IllegalArgumentException("target actor's parameters differ in layout from the actor's");
        }
        this.actor = actor;
        this.target = target;
        this.w = windows;
        this.agents = agents;
        obs = actor.observationSize();
        act = actor.actionSize();
        historyWidth = agents * windows.history() * (obs + act);
        if (target != null) {
            System.arraycopy(actor.parameters().values(), 0, target.parameters().values(), 0, actor.parameters().size());
            target.refreshWeights();
        }
    }

    /** Recurrent TD3 over windows: the critics start from {@code seed}, and so does the learner's noise. */
    public static Learner<SequenceReplay.Batch> td3(SequenceActor actor, SequenceActor target, Windows windows,
                                                    LearnerSettings settings, int agents, long seed) {
        return Learner.of("td3", settings, Communicator.single(), new WindowPolicy(actor, target, windows, agents),
                criticInit(seed), seed);
    }

    /** Recurrent SAC over windows, with a learned state-independent log_std. */
    public static Learner<SequenceReplay.Batch> sac(SequenceActor actor, Windows windows, LearnerSettings settings,
                                                    int agents, long seed) {
        return Learner.of("sac", settings, Communicator.single(), new WindowPolicy(actor, null, windows, agents),
                criticInit(seed), seed);
    }

    private static RandomStream criticInit(long seed) {
        return new RandomStream(seed ^ 0x63726974L);
    }

    /** The centralised critic's input width: every agent's history of (observation, previous action) plus every agent's action. */
    public static int criticInputWidth(int agents, int history, int obs, int act) {
        return agents * history * (obs + act) + agents * act;
    }

    public SequenceActor actor() {
        return actor;
    }

    /** TD3's target actor (null for SAC). */
    public SequenceActor targetActor() {
        return target;
    }

    @Override
    public Parameters parameters() {
        return actor.parameters();
    }

    @Override
    public Parameters targetParameters() {
        if (target == null) {
            throw new IllegalStateException("this policy was built without a target actor (SAC)");
        }
        return target.parameters();
    }

    @Override
    public int stateWidth() {
        return historyWidth;
    }

    @Override
    public int actionWidth() {
        return agents * act;
    }

    @Override
    public int actionSize() {
        return act;
    }

    @Override
    public boolean logStdReadout() {
        return false;
    }

    @Override
    public int replicas(int requested) {
        return 1;
    }

    @Override
    public int maxRows() {
        return w.batch() * w.length();
    }

    @Override
    public int maxRows(int index, int count) {
        return maxRows();
    }

    @Override
    public PolicyRows<SequenceReplay.Batch> rows(int index, int count, Parameters second, Rounding rounding) {
        if (count != 1 || rounding != Rounding.FP32) {
            throw new IllegalArgumentException("sequence actors train on one thread in fp32");
        }
        return new Rows(second == actor.parameters() ? actor : target);
    }

    @Override
    public double actorForwardFlops(int rows) {
        return Double.NaN;
    }

    /** The loss rows of a batch of windows. */
    private final class Rows implements PolicyRows<SequenceReplay.Batch> {
        private final SequenceActor second;
        private final int criticInput;
        private final float[] rowActions;
        private final float[] rowPreSquash;
        /** Gradients in the actor's step-major sequence layout, zero off the loss rows. */
        private final float[] sequenceGrad;
        private SequenceReplay.Batch b;

        Rows(SequenceActor second) {
            this.second = second;
            criticInput = historyWidth + agents * act;
            rowActions = new float[maxRows() * agents * act];
            rowPreSquash = new float[maxRows() * agents * act];
            sequenceGrad = new float[(w.window() + 1) * w.batch() * agents * act];
        }

        @Override
        public int bind(SequenceReplay.Batch batch) {
            if (batch.batch != w.batch() || batch.agents != agents || batch.window != w.window()
                    || batch.history != w.history()) {
                throw new IllegalArgumentException("batch shaped for " + batch.batch + " windows of " + batch.window
                        + " steps, " + batch.agents + " agents, history " + batch.history + "; the learner for " + w.batch()
                        + ", " + w.window() + ", " + agents + ", " + w.history());
            }
            b = batch;
            return batch.rows;
        }

        @Override
        public int rows() {
            return b.rows;
        }

        @Override
        public int rowOffset() {
            return 0;
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
            float[] history = next ? b.historyNext : b.historyNow;
            float[] in = q.input();
            for (int k = 0; k < b.rows; k++) {
                System.arraycopy(history, k * historyWidth, in, k * criticInput, historyWidth);
            }
        }

        @Override
        public void fillStoredActions(Mlp q) {
            fillActions(q, b.action);
        }

        @Override
        public void fillActions(Mlp q, float[] actions) {
            float[] in = q.input();
            for (int k = 0; k < b.rows; k++) {
                System.arraycopy(actions, k * agents * act, in, k * criticInput + historyWidth, agents * act);
            }
        }

        /** Index in the actor's step-major layout of loss row {@code k}'s agent {@code r}, {@code shift} steps later. */
        private int sequenceIndex(int k, int r, int shift) {
            return (((b.rowStep[k] + shift) * b.batch + b.rowSequence[k]) * agents + r) * act;
        }

        /** Runs {@code net} over the windows ({@code extra} steps more) and gathers each row's outputs {@code shift} steps on. */
        private void run(SequenceActor net, int extra, int shift) {
            float[] u = net.forward(b.observations, b.previousActions, b.previousRewards, b.batch * agents, w.window() + extra);
            float[] z = net.preSquash();
            for (int k = 0; k < b.rows; k++) {
                for (int r = 0; r < agents; r++) {
                    int from = sequenceIndex(k, r, shift);
                    int to = (k * agents + r) * act;
                    System.arraycopy(u, from, rowActions, to, act);
                    System.arraycopy(z, from, rowPreSquash, to, act);
                }
            }
        }

        @Override
        public void nextPolicy() {
            run(second, 1, 1);
        }

        @Override
        public void policy() {
            run(actor, 0, 0);
        }

        @Override
        public float[] actions() {
            return rowActions;
        }

        @Override
        public float[] preSquash() {
            return rowPreSquash;
        }

        @Override
        public float[] logStd() {
            return null;
        }

        /** Moves row-layout gradients into the sequence layout over the window, zero elsewhere. */
        private void scatter(float[] g) {
            Arrays.fill(sequenceGrad, 0, w.window() * b.batch * agents * act, 0f);
            for (int k = 0; k < b.rows; k++) {
                for (int r = 0; r < agents; r++) {
                    int to = sequenceIndex(k, r, 0);
                    int from = (k * agents + r) * act;
                    for (int j = 0; j < act; j++) {
                        sequenceGrad[to + j] += g[from + j];
                    }
                }
            }
        }

        @Override
        public void backwardActions(float[] gActions, float[] grad) {
            requireOwnGradients(grad);
            scatter(gActions);
            actor.backward(sequenceGrad);
        }

        @Override
        public void backwardPreSquash(float[] gPreSquash, float[] gLogStd, float[] grad) {
            requireOwnGradients(grad);
            scatter(gPreSquash);
            actor.backwardPreSquash(sequenceGrad);
        }

        private void requireOwnGradients(float[] grad) {
            if (grad != actor.parameters().gradients()) {
                throw new IllegalStateException("a sequence actor accumulates into its own parameters' gradients");
            }
        }

        @Override
        public void refreshActor() {
            actor.refreshWeights();
        }

        @Override
        public void refreshSecond() {
            if (second != actor) {
                second.refreshWeights();
            }
        }
    }
}
