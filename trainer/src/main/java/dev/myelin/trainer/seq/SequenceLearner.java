package dev.myelin.trainer.seq;

import dev.myelin.trainer.kernel.Rounding;
import dev.myelin.trainer.nn.Adam;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.rl.OffPolicyLearner;
import dev.myelin.trainer.rl.TwinCritics;
import dev.myelin.trainer.run.CheckpointFile;

import java.util.Arrays;

/**
 * What recurrent TD3 ({@link SequenceTd3}) and recurrent SAC ({@link SequenceSac}) share: the twin critics and
 * their targets over a history input, the regression of both critics on the targets {@code y} a subclass
 * computes, and the bookkeeping between the replay's loss rows and the actor's step-major sequence layout.
 *
 * <p>A batch from {@link SequenceReplay} holds {@code batch} windows of {@code burnIn + length} steps for each
 * of {@code agents} agents; its loss rows are the non-burn-in, non-padding steps. The critics see the row's
 * history {@code H_t} (the last {@code history} normalised observations and previous actions of every agent)
 * and every agent's action. With several agents (CTDE) one parameter-shared actor runs every agent's own
 * sequence, the centralised critics see all agents, and the reward is the team's (the mean of the agents'
 * rewards). Allocation-free per update after construction. The training thread.
 */
public abstract sealed class SequenceLearner extends OffPolicyLearner permits SequenceTd3, SequenceSac {
    /** Hyperparameters ({@code targetNoise}, {@code noiseClip}: TD3 only; {@code alpha}, {@code autoAlpha}: SAC only). */
    public record Settings(int batch, int burnIn, int length, int history, int[] criticHidden, float actorLr,
                           float criticLr, float gamma, float polyak, float targetNoise, float noiseClip,
                           int policyDelay, float alpha, boolean autoAlpha) {
        public Settings {
            criticHidden = criticHidden.clone();
            if (policyDelay < 1 || !(gamma >= 0f && gamma <= 1f) || !(polyak >= 0f && polyak <= 1f)) {
                throw new IllegalArgumentException("policy_delay must be >= 1, gamma and polyak in [0, 1]");
            }
            if (!(alpha > 0f) || !Float.isFinite(alpha)) {
                throw new IllegalArgumentException("sac_alpha must be positive and finite, got " + alpha);
            }
        }

        /** burnIn + length: the steps of one training window. */
        public int window() {
            return burnIn + length;
        }

        @Override
        public int[] criticHidden() {
            return criticHidden.clone();
        }
    }

    protected final SequenceActor actor;
    protected final Settings s;
    protected final int agents;
    protected final int act;
    protected final int criticInput;
    protected final Parameters criticParams;
    protected final Parameters criticTargetParams;
    /** The twin critics and their targets over the loss rows. */
    protected final TwinCritics critics;
    protected final Adam actorOpt;
    protected final Adam criticOpt;
    protected final RandomStream noise;
    /** Critic targets of the loss rows. */
    protected final float[] y;
    /** Per loss row and agent: a gradient with respect to that agent's output ({@code rows * agents * act}). */
    protected final float[] gAction;
    /** The same gradients in the actor's step-major sequence layout, zero off the loss rows. */
    protected final float[] actionGrad;

    protected SequenceLearner(SequenceActor actor, Settings settings, int agents, long seed) {
        if (agents < 1) {
            throw new IllegalArgumentException("agents per window must be >= 1, got " + agents);
        }
        this.actor = actor;
        this.s = settings;
        this.agents = agents;
        int obs = actor.observationSize();
        act = actor.actionSize();
        criticInput = criticInputWidth(agents, settings.history(), obs, act);
        int[] sizes = TwinCritics.sizes(criticInput, settings.criticHidden());
        criticParams = TwinCritics.declare(sizes);
        TwinCritics.initialize(criticParams, sizes, new RandomStream(seed ^ 0x63726974L));
        criticTargetParams = criticParams.copy();
        int rows = settings.batch() * settings.length();
        critics = new TwinCritics(criticParams, criticTargetParams, sizes, rows, Rounding.FP32);
        actorOpt = new Adam(actor.parameters(), settings.actorLr());
        criticOpt = new Adam(criticParams, settings.criticLr());
        noise = new RandomStream(seed ^ 0x6e6f697365L);
        y = new float[rows];
        gAction = new float[rows * agents * act];
        actionGrad = new float[(settings.window() + 1) * settings.batch() * agents * act];
    }

    /** The centralised critic's input width: every agent's history of (observation, previous action) plus every agent's action. */
    public static int criticInputWidth(int agents, int history, int obs, int act) {
        return agents * history * (obs + act) + agents * act;
    }

    public int criticInputWidth() {
        return criticInput;
    }

    /** Which algorithm: {@code td3} or {@code sac}. */
    public abstract String algorithm();

    /** One update on a sampled batch: critics every call, the policy step as the algorithm schedules it. */
    public final void update(SequenceReplay.Batch b) {
        if (b.batch != s.batch() || b.agents != agents || b.window != s.window() || b.history != s.history()) {
            throw new IllegalArgumentException("batch shaped for " + b.batch + " windows of " + b.window + " steps, "
                    + b.agents + " agents, history " + b.history + "; the learner for " + s.batch() + ", " + s.window()
                    + ", " + agents + ", " + s.history());
        }
        updates++;
        if (b.rows == 0) {
            return;
        }
        criticTargets(b);
        regressCritics(b);
        policyStep(b);
    }

    /** Fills {@link #y} for the batch's loss rows. */
    protected abstract void criticTargets(SequenceReplay.Batch b);

    /** The actor's (and the targets') part of an update, after the critics were stepped. */
    protected abstract void policyStep(SequenceReplay.Batch b);

    /**
     * Exploration for rollouts: turns the stepper's deterministic actions (and their pre-squash values) of
     * {@code n} outputs into the actions executed, in place.
     */
    public abstract void explore(float[] actions, float[] preSquash, int n, RandomStream rnd);

    /** {@code L_Q = mean (Q1(H_t, u_t) - y_t)^2 + (Q2(H_t, u_t) - y_t)^2} with the stored actions; one critic step. */
    private void regressCritics(SequenceReplay.Batch b) {
        int rows = b.rows;
        float[] in = critics.q1.input();
        fillHistory(in, b.historyNow, b);
        for (int k = 0; k < rows; k++) {
            System.arraycopy(b.action, k * agents * act, in, k * criticInput + b.historyWidth, agents * act);
        }
        System.arraycopy(in, 0, critics.q2.input(), 0, rows * criticInput);
        criticParams.zeroGradients();
        critics.regress(y, rows, 2f / rows, criticParams.gradients());
        lastCriticLoss = critics.lossSum() / rows;
        lastMeanQ = critics.q1Sum() / rows;
        criticOpt.step();
    }

    /** Copies each loss row's history ({@code historyNow} or {@code historyNext}) into a critic input. */
    protected final void fillHistory(float[] in, float[] history, SequenceReplay.Batch b) {
        int hw = b.historyWidth;
        for (int k = 0; k < b.rows; k++) {
            System.arraycopy(history, k * hw, in, k * criticInput, hw);
        }
    }

    /** Index in the actor's step-major layout of loss row {@code k}'s agent {@code r}, {@code shift} steps later. */
    protected final int sequenceIndex(SequenceReplay.Batch b, int k, int r, int shift) {
        return (((b.rowStep[k] + shift) * b.batch + b.rowSequence[k]) * agents + r) * act;
    }

    /** Puts every agent's output of each loss row ({@code shift} steps after the row) into a critic input's action columns. */
    protected final void putActions(float[] in, float[] sequence, SequenceReplay.Batch b, int shift) {
        for (int k = 0; k < b.rows; k++) {
            int base = k * criticInput + b.historyWidth;
            for (int r = 0; r < agents; r++) {
                System.arraycopy(sequence, sequenceIndex(b, k, r, shift), in, base + r * act, act);
            }
        }
    }

    /** Moves {@link #gAction} (per loss row and agent) into {@link #actionGrad} (sequence layout over the window). */
    protected final void scatterActionGradients(SequenceReplay.Batch b) {
        Arrays.fill(actionGrad, 0, s.window() * b.batch * agents * act, 0f);
        for (int k = 0; k < b.rows; k++) {
            for (int r = 0; r < agents; r++) {
                int to = sequenceIndex(b, k, r, 0);
                int from = (k * agents + r) * act;
                for (int j = 0; j < act; j++) {
                    actionGrad[to + j] += gAction[from + j];
                }
            }
        }
    }

    /** Q1 of the given loss rows with the actor's current deterministic actions (diagnostics; not allocation-free). */
    public double meanPolicyQ(SequenceReplay.Batch b) {
        float[] u = actor.forward(b.observations, b.previousActions, b.previousRewards, b.batch * agents, s.window());
        float[] in = critics.q1.input();
        fillHistory(in, b.historyNow, b);
        putActions(in, u, b, 0);
        return meanQ1(b.rows);
    }

    /** Q1 of the given loss rows with the actions stored in the replay (the behaviour's), for comparison with {@link #meanPolicyQ}. */
    public double meanBehaviourQ(SequenceReplay.Batch b) {
        float[] in = critics.q1.input();
        fillHistory(in, b.historyNow, b);
        for (int k = 0; k < b.rows; k++) {
            System.arraycopy(b.action, k * agents * act, in, k * criticInput + b.historyWidth, agents * act);
        }
        return meanQ1(b.rows);
    }

    private double meanQ1(int rows) {
        float[] q = critics.q1.forward(rows);
        double m = 0;
        for (int k = 0; k < rows; k++) {
            m += q[k];
        }
        return m / rows;
    }

    /**
     * Everything an update depends on besides the actor's values, for a checkpoint: critics, their targets, the
     * optimizers' moments and step counts (and what the algorithm adds).
     */
    public void save(CheckpointFile ck) {
        ck.put("critic", criticParams.values());
        ck.put("critic_target", criticTargetParams.values());
        ck.put("actor_adam_m", actorOpt.firstMoments());
        ck.put("actor_adam_v", actorOpt.secondMoments());
        ck.put("critic_adam_m", criticOpt.firstMoments());
        ck.put("critic_adam_v", criticOpt.secondMoments());
        ck.put("learner_counters", new long[] {updates, actorOpt.steps(), criticOpt.steps()});
        ck.put("learner_noise", noise.state());
    }

    /** Restores what {@link #save} wrote (the actor's values are restored by the caller); refuses a mismatch by name. */
    public void restore(CheckpointFile ck) {
        copy(ck, "critic", criticParams.values());
        copy(ck, "critic_target", criticTargetParams.values());
        copy(ck, "actor_adam_m", actorOpt.firstMoments());
        copy(ck, "actor_adam_v", actorOpt.secondMoments());
        copy(ck, "critic_adam_m", criticOpt.firstMoments());
        copy(ck, "critic_adam_v", criticOpt.secondMoments());
        long[] c = ck.longs(require(ck, "learner_counters"));
        if (c.length != 3) {
            throw new IllegalArgumentException("checkpoint entry 'learner_counters' must hold 3 numbers");
        }
        noise.restore(ck.longs(require(ck, "learner_noise")));
        updates = c[0];
        actorOpt.restoreSteps(c[1]);
        criticOpt.restoreSteps(c[2]);
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

    private static String require(CheckpointFile ck, String name) {
        if (!ck.has(name)) {
            throw new IllegalArgumentException("checkpoint has no entry '" + name + "'");
        }
        return name;
    }

    /** The learner's noise stream (target smoothing, policy samples). */
    RandomStream noise() {
        return noise;
    }

    public SequenceActor actor() {
        return actor;
    }

    public Parameters criticParameters() {
        return criticParams;
    }

    public Parameters criticTargetParameters() {
        return criticTargetParams;
    }

    public Adam actorOptimizer() {
        return actorOpt;
    }

    public Adam criticOptimizer() {
        return criticOpt;
    }
}
