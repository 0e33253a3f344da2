package dev.myelin.trainer.rl;

import dev.myelin.trainer.kernel.Rounding;
import dev.myelin.trainer.nn.Mlp;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.RandomStream;

/**
 * The twin critics {@code Q1, Q2} and their targets over one block of rows, and everything TD3 and SAC
 * compute through them, one copy for the feed-forward learners (one block per thread's rows) and the
 * sequence learners (one block of loss rows):
 * <pre>
 *   TD3 target   y = r + gamma (1 - d) min(Q1_targ(s', u'), Q2_targ(s', u'))
 *   soft target  y = r + gamma (1 - d) (min(Q1_targ(s', u'), Q2_targ(s', u')) - alpha log pi(u'|s'))
 *   L_Q          = mean (Q1(s, u) - y)^2 + mean (Q2(s, u) - y)^2
 *   TD3 policy   L_pi = -mean Q1(s, pi(s))
 *   SAC policy   L_pi = mean (alpha log pi(u|s) - min(Q1(s, u), Q2(s, u)))
 * </pre>
 * {@code s} is whatever the learner gives its critics (an observation, or a history of them). The caller fills
 * the networks' inputs ({@code [s | u]} per row) before each call; the calls run the networks, compute the
 * per-row losses with {@link OffPolicy}'s formulas and leave the gradients where the caller says. The
 * parameters (both critics in one {@link Parameters}, prefixes {@code q1.} and {@code q2.}) belong to the
 * learner; several blocks may share them, each with its own gradient buffer. Allocation-free after
 * construction. One thread per block.
 */
public final class TwinCritics {
    public final Mlp q1;
    public final Mlp q2;
    public final Mlp q1Target;
    public final Mlp q2Target;
    private final float[] gq1;
    private final float[] gq2;
    private double lossSum;
    private double q1Sum;
    private double logLikelihoodSum;

    /**
     * @param critics the critics' parameters ({@link #declare})
     * @param targets their targets (same layout)
     * @param sizes   layer sizes, input first, 1 last
     * @param rows    most rows of one call
     */
    public TwinCritics(Parameters critics, Parameters targets, int[] sizes, int rows, Rounding rounding) {
        q1 = new Mlp(critics, "q1.", sizes, rows, rounding);
        q2 = new Mlp(critics, "q2.", sizes, rows, rounding);
        q1Target = new Mlp(targets, "q1.", sizes, rows, rounding);
        q2Target = new Mlp(targets, "q2.", sizes, rows, rounding);
        gq1 = new float[rows];
        gq2 = new float[rows];
    }

    /** Layer sizes of a critic with {@code input} inputs, the given hidden layers and one output. */
    public static int[] sizes(int input, int[] hidden) {
        int[] s = new int[hidden.length + 2];
        s[0] = input;
        System.arraycopy(hidden, 0, s, 1, hidden.length);
        s[s.length - 1] = 1;
        return s;
    }

    /** Both critics' parameters, {@code q1.} then {@code q2.}. */
    public static Parameters declare(int[] sizes) {
        Parameters.Builder b = Parameters.builder();
        Mlp.declare(b, "q1.", sizes);
        Mlp.declare(b, "q2.", sizes);
        return b.build();
    }

    /** Initialises Q1, then Q2, from {@code rnd}. */
    public static void initialize(Parameters critics, int[] sizes, RandomStream rnd) {
        Mlp.initialize(critics, "q1.", sizes, rnd);
        Mlp.initialize(critics, "q2.", sizes, rnd);
    }

    /**
     * TD3's targets of {@code n} rows from the target critics' filled inputs: {@code y[i]} from the reward and
     * terminal flag at {@code from + i}.
     */
    public void td3Targets(float[] reward, float[] terminal, int from, float gamma, int n, float[] y) {
        float[] t1 = q1Target.forward(n);
        float[] t2 = q2Target.forward(n);
        for (int i = 0; i < n; i++) {
            y[i] = OffPolicy.td3Target(reward[from + i], gamma, terminal[from + i], t1[i], t2[i]);
        }
    }

    /** As {@link #td3Targets} with SAC's entropy term: {@code logp[i]} is row i's next action's log-likelihood. */
    public void softTargets(float[] reward, float[] terminal, int from, float gamma, float alpha, float[] logp, int n,
                            float[] y) {
        float[] t1 = q1Target.forward(n);
        float[] t2 = q2Target.forward(n);
        for (int i = 0; i < n; i++) {
            y[i] = OffPolicy.sacTarget(reward[from + i], gamma, terminal[from + i], t1[i], t2[i], alpha, logp[i]);
        }
    }

    /**
     * Regresses both critics (inputs filled) on {@code y} over {@code n} rows: the per-row gradient of the
     * squared error is {@code scale (Q - y)} ({@code scale = 2 / rows}, times any loss scale) and the
     * parameter gradients are added to {@code grad}. {@link #lossSum()} and {@link #q1Sum()} then hold the
     * rows' summed squared errors and Q1.
     */
    public void regress(float[] y, int n, float scale, float[] grad) {
        float[] v1 = q1.forward(n);
        float[] v2 = q2.forward(n);
        double loss = 0;
        double meanQ = 0;
        for (int i = 0; i < n; i++) {
            float e1 = v1[i] - y[i];
            float e2 = v2[i] - y[i];
            loss += (double) e1 * e1 + (double) e2 * e2;
            meanQ += v1[i];
            gq1[i] = scale * e1;
            gq2[i] = scale * e2;
        }
        lossSum = loss;
        q1Sum = meanQ;
        q1.backward(gq1, grad, null, 0, 0);
        q2.backward(gq2, grad, null, 0, 0);
    }

    /**
     * TD3's policy loss through Q1 (input filled with the policy's actions) over {@code n} rows, each row's
     * loss gradient {@code g} ({@code -1 / rows}, times any loss scale): returns the summed {@code -Q1} and
     * leaves {@code dL/du} in {@code gAction} (columns {@code [col, col + cols)} of the critic's input).
     */
    public double deterministicPolicyLoss(int n, float g, float[] gAction, int col, int cols) {
        float[] q = q1.forward(n);
        double pl = 0;
        for (int i = 0; i < n; i++) {
            pl -= q[i];
            gq1[i] = g;
        }
        q1.backward(gq1, (float[]) null, gAction, col, cols);
        return pl;
    }

    /**
     * SAC's policy loss through both critics (inputs filled with the sampled actions) over {@code n} rows with
     * the samples' log-likelihoods {@code logp}: returns the summed {@code alpha log pi - min(Q1, Q2)}, leaves
     * {@code dL/du} through Q1 in {@code gU1} and through Q2 in {@code gU2} (the minimum takes each row's whole
     * gradient {@code g}), and the summed log-likelihood in {@link #logLikelihoodSum()}.
     */
    public double softPolicyLoss(int n, float alpha, float[] logp, float g, float[] gU1, float[] gU2, int col, int cols) {
        float[] a1 = q1.forward(n);
        float[] a2 = q2.forward(n);
        double pl = 0;
        double sumLogp = 0;
        for (int i = 0; i < n; i++) {
            boolean first = a1[i] <= a2[i];
            pl += alpha * logp[i] - Math.min(a1[i], a2[i]);
            sumLogp += logp[i];
            // d(-min(Q1, Q2))/dQ_i goes to the smaller one
            gq1[i] = first ? g : 0f;
            gq2[i] = first ? 0f : g;
        }
        logLikelihoodSum = sumLogp;
        q1.backward(gq1, (float[]) null, gU1, col, cols);
        q2.backward(gq2, (float[]) null, gU2, col, cols);
        return pl;
    }

    /** Summed squared errors of the last {@link #regress}. */
    public double lossSum() {
        return lossSum;
    }

    /** Summed Q1 of the last {@link #regress}. */
    public double q1Sum() {
        return q1Sum;
    }

    /** Summed log-likelihood of the last {@link #softPolicyLoss}. */
    public double logLikelihoodSum() {
        return logLikelihoodSum;
    }

    /** Re-reads the critics' weights after an optimizer step. */
    public void refreshCritics() {
        q1.refreshWeights();
        q2.refreshWeights();
    }

    /** Re-reads the targets' weights after polyak averaging. */
    public void refreshTargets() {
        q1Target.refreshWeights();
        q2Target.refreshWeights();
    }
}
