package dev.myelin.trainer.seq;

import dev.myelin.trainer.kernel.Rounding;
import dev.myelin.trainer.nn.Adam;
import dev.myelin.trainer.nn.Mlp;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.RandomStream;

/**
 * Recurrent TD3 (Fujimoto et al. 2018, with R2D2-style burn-in) for any {@link SequenceActor}, single-
 * or multi-agent. On a batch of windows from {@link SequenceReplay}:
 * <pre>
 *   actor and target actor run every window from zero state, step by step (burn-in steps take no loss)
 *   u'_t+1 = clip(pi_targ(window)_{t+1} + clip(N(0, target_noise), -noise_clip, noise_clip), -1, 1)
 *   y_t    = r_t + gamma (1 - d_t) min(Q1_targ(H_{t+1}, u'_{t+1}), Q2_targ(H_{t+1}, u'_{t+1}))
 *   L_Q    = mean over loss steps (Q1(H_t, u_t) - y_t)^2 + (Q2(H_t, u_t) - y_t)^2
 * </pre>
 * and every {@code policyDelay} updates {@code L_pi = -mean Q1(H_t, pi(window)_t)} back through time
 * into the actor, then polyak averaging of the three targets. {@code H_t} is the critic's history: the
 * last {@code history} normalised observations and previous actions of every agent. With several agents
 * (CTDE) one parameter-shared actor runs every agent's own sequence, the centralised critics see all
 * agents' histories and actions, and the reward is the team's (the mean of the agents' rewards).
 * Allocation-free per update after construction. The training thread.
 */
public final class SequenceTd3 {
    /** Hyperparameters. */
    public record Settings(int batch, int burnIn, int length, int history, int[] criticHidden, float actorLr,
                           float criticLr, float gamma, float polyak, float targetNoise, float noiseClip,
                           int policyDelay) {
        public Settings {
            criticHidden = criticHidden.clone();
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

    private final SequenceActor actor;
    private final SequenceActor target;
    private final Settings s;
    private final int agents;
    private final int act;
    private final int criticInput;
    private final Parameters criticParams;
    private final Parameters criticTargetParams;
    private final Mlp q1;
    private final Mlp q2;
    private final Mlp q1Target;
    private final Mlp q2Target;
    private final Adam actorOpt;
    private final Adam criticOpt;
    private final RandomStream noise;
    private final float[] y;
    private final float[] gq1;
    private final float[] gq2;
    private final float[] gAction;
    private final float[] actionGrad;
    private long updates;
    private double lastCriticLoss = Double.NaN;
    private double lastActorLoss = Double.NaN;
    private double lastMeanQ = Double.NaN;

    /**
     * @param actor  the online actor (trained in place)
     * @param target an actor of the same family and shape (its values are overwritten by the online ones)
     * @param agents agents per window (robots per world)
     */
    public SequenceTd3(SequenceActor actor, SequenceActor target, Settings settings, int agents, long seed) {
        if (!actor.parameters().sameLayout(target.parameters())) {
            throw new IllegalArgumentException("target actor's parameters differ in layout from the actor's");
        }
        if (settings.policyDelay() < 1 || !(settings.gamma() >= 0f && settings.gamma() <= 1f)
                || !(settings.polyak() >= 0f && settings.polyak() <= 1f)) {
            throw new IllegalArgumentException("policy_delay must be >= 1, gamma and polyak in [0, 1]");
        }
        this.actor = actor;
        this.target = target;
        this.s = settings;
        this.agents = agents;
        int obs = actor.observationSize();
        act = actor.actionSize();
        criticInput = criticInputWidth(agents, settings.history(), obs, act);
        int[] sizes = new int[settings.criticHidden().length + 2];
        sizes[0] = criticInput;
        System.arraycopy(settings.criticHidden(), 0, sizes, 1, settings.criticHidden().length);
        sizes[sizes.length - 1] = 1;
        Parameters.Builder b = Parameters.builder();
        Mlp.declare(b, "q1.", sizes);
        Mlp.declare(b, "q2.", sizes);
        criticParams = b.build();
        RandomStream init = new RandomStream(seed ^ 0x63726974L);
        Mlp.initialize(criticParams, "q1.", sizes, init);
        Mlp.initialize(criticParams, "q2.", sizes, init);
        criticTargetParams = criticParams.copy();
        int rows = settings.batch() * settings.length();
        q1 = new Mlp(criticParams, "q1.", sizes, rows, Rounding.FP32);
        q2 = new Mlp(criticParams, "q2.", sizes, rows, Rounding.FP32);
        q1Target = new Mlp(criticTargetParams, "q1.", sizes, rows, Rounding.FP32);
        q2Target = new Mlp(criticTargetParams, "q2.", sizes, rows, Rounding.FP32);
        System.arraycopy(actor.parameters().values(), 0, target.parameters().values(), 0, actor.parameters().size());
        target.refreshWeights();
        actorOpt = new Adam(actor.parameters(), settings.actorLr());
        criticOpt = new Adam(criticParams, settings.criticLr());
        noise = new RandomStream(seed ^ 0x6e6f697365L);
        y = new float[rows];
        gq1 = new float[rows];
        gq2 = new float[rows];
        gAction = new float[rows * agents * act];
        actionGrad = new float[settings.window() * settings.batch() * agents * act];
    }

    /** The centralised critic's input width: every agent's history of (observation, previous action) plus every agent's action. */
    public static int criticInputWidth(int agents, int history, int obs, int act) {
        return agents * history * (obs + act) + agents * act;
    }

    public int criticInputWidth() {
        return criticInput;
    }

    /** One TD3 update on a sampled batch (critic every call, actor and targets every {@code policyDelay}). */
    public void update(SequenceReplay.Batch b) {
        if (b.batch != s.batch() || b.agents != agents || b.window != s.window() || b.history != s.history()) {
            throw new IllegalArgumentException("batch shaped for " + b.batch + " windows of " + b.window + " steps, "
                    + b.agents + " agents, history " + b.history + "; the learner for " + s.batch() + ", " + s.window()
                    + ", " + agents + ", " + s.history());
        }
        updates++;
        int rows = b.rows;
        if (rows == 0) {
            return;
        }
        int seqs = b.batch * agents;
        int hw = b.historyWidth;
        // target actions one step after each loss step
        float[] ut = target.forward(b.observations, b.previousActions, b.previousRewards, seqs, s.window() + 1);
        fillCritic(q1Target.input(), b.historyNext, hw, rows);
        float[] tin = q1Target.input();
        for (int k = 0; k < rows; k++) {
            int step = b.rowStep[k] + 1;
            int base = k * criticInput + hw;
            for (int r = 0; r < agents; r++) {
                int from = ((step * b.batch + b.rowSequence[k]) * agents + r) * act;
                for (int j = 0; j < act; j++) {
                    float e = clip((float) (s.targetNoise() * noise.nextGaussian()), -s.noiseClip(), s.noiseClip());
                    tin[base + r * act + j] = clip(ut[from + j] + e, -1f, 1f);
                }
            }
        }
        System.arraycopy(tin, 0, q2Target.input(), 0, rows * criticInput);
        float[] t1 = q1Target.forward(rows);
        float[] t2 = q2Target.forward(rows);
        for (int k = 0; k < rows; k++) {
            y[k] = b.reward[k] + s.gamma() * (1f - b.terminal[k]) * Math.min(t1[k], t2[k]);
        }
        fillCritic(q1.input(), b.historyNow, hw, rows);
        float[] in = q1.input();
        for (int k = 0; k < rows; k++) {
            System.arraycopy(b.action, k * agents * act, in, k * criticInput + hw, agents * act);
        }
        System.arraycopy(in, 0, q2.input(), 0, rows * criticInput);
        float[] v1 = q1.forward(rows);
        float[] v2 = q2.forward(rows);
        double loss = 0;
        double meanQ = 0;
        float scale = 2f / rows;
        for (int k = 0; k < rows; k++) {
            float e1 = v1[k] - y[k];
            float e2 = v2[k] - y[k];
            loss += (double) e1 * e1 + (double) e2 * e2;
            meanQ += v1[k];
            gq1[k] = scale * e1;
            gq2[k] = scale * e2;
        }
        lastCriticLoss = loss / rows;
        lastMeanQ = meanQ / rows;
        criticParams.zeroGradients();
        q1.backward(gq1, true, null, 0, 0);
        q2.backward(gq2, true, null, 0, 0);
        criticOpt.step();

        if (updates % s.policyDelay() == 0) {
            updateActor(b, rows, seqs, hw);
            actor.refreshWeights();
            target.parameters().polyakFrom(actor.parameters(), s.polyak());
            target.refreshWeights();
            criticTargetParams.polyakFrom(criticParams, s.polyak());
        }
    }

    private void updateActor(SequenceReplay.Batch b, int rows, int seqs, int hw) {
        float[] u = actor.forward(b.observations, b.previousActions, b.previousRewards, seqs, s.window());
        float[] in = q1.input();
        fillCritic(in, b.historyNow, hw, rows);
        for (int k = 0; k < rows; k++) {
            int base = k * criticInput + hw;
            for (int r = 0; r < agents; r++) {
                int from = ((b.rowStep[k] * b.batch + b.rowSequence[k]) * agents + r) * act;
                System.arraycopy(u, from, in, base + r * act, act);
            }
        }
        float[] q = q1.forward(rows);
        double pl = 0;
        float g = -1f / rows;
        for (int k = 0; k < rows; k++) {
            pl -= q[k];
            gq1[k] = g;
        }
        lastActorLoss = pl / rows;
        q1.backward(gq1, (float[]) null, gAction, hw, agents * act);
        java.util.Arrays.fill(actionGrad, 0, s.window() * seqs * act, 0f);
        for (int k = 0; k < rows; k++) {
            for (int r = 0; r < agents; r++) {
                int to = ((b.rowStep[k] * b.batch + b.rowSequence[k]) * agents + r) * act;
                for (int j = 0; j < act; j++) {
                    actionGrad[to + j] += gAction[(k * agents + r) * act + j];
                }
            }
        }
        actor.parameters().zeroGradients();
        actor.backward(actionGrad);
        actorOpt.step();
    }

    private void fillCritic(float[] in, float[] history, int hw, int rows) {
        for (int k = 0; k < rows; k++) {
            System.arraycopy(history, k * hw, in, k * criticInput, hw);
        }
    }

    static float clip(float x, float lo, float hi) {
        return Math.max(lo, Math.min(hi, x));
    }

    public SequenceActor actor() {
        return actor;
    }

    public SequenceActor targetActor() {
        return target;
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

    /** Q1 of the given loss rows with the actor's current actions (for tests and diagnostics; not allocation-free). */
    public double meanPolicyQ(SequenceReplay.Batch b) {
        int seqs = b.batch * agents;
        float[] u = actor.forward(b.observations, b.previousActions, b.previousRewards, seqs, s.window());
        float[] in = q1.input();
        fillCritic(in, b.historyNow, b.historyWidth, b.rows);
        for (int k = 0; k < b.rows; k++) {
            for (int r = 0; r < agents; r++) {
                int from = ((b.rowStep[k] * b.batch + b.rowSequence[k]) * agents + r) * act;
                System.arraycopy(u, from, in, k * criticInput + b.historyWidth + r * act, act);
            }
        }
        float[] q = q1.forward(b.rows);
        double m = 0;
        for (int k = 0; k < b.rows; k++) {
            m += q[k];
        }
        return m / b.rows;
    }

    /** Q1 of the given loss rows with the actions stored in the replay (the behaviour's), for comparison with {@link #meanPolicyQ}. */
    public double meanBehaviourQ(SequenceReplay.Batch b) {
        float[] in = q1.input();
        fillCritic(in, b.historyNow, b.historyWidth, b.rows);
        for (int k = 0; k < b.rows; k++) {
            System.arraycopy(b.action, k * agents * act, in, k * criticInput + b.historyWidth, agents * act);
        }
        float[] q = q1.forward(b.rows);
        double m = 0;
        for (int k = 0; k < b.rows; k++) {
            m += q[k];
        }
        return m / b.rows;
    }

    public long updates() {
        return updates;
    }

    public double lastCriticLoss() {
        return lastCriticLoss;
    }

    public double lastActorLoss() {
        return lastActorLoss;
    }

    public double lastMeanQ() {
        return lastMeanQ;
    }
}
