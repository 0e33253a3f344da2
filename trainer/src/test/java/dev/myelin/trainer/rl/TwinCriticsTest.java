package dev.myelin.trainer.rl;

import dev.myelin.trainer.kernel.Rounding;
import dev.myelin.trainer.nn.Mlp;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.RandomStream;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The twin critics both learners compute through: each call's targets, losses and gradients equal the
 * equations in the class comment, evaluated with separate networks over the same weights.
 */
class TwinCriticsTest {
    private static final int ROWS = 16;
    private static final int IN = 4;
    private static final int[] SIZES = TwinCritics.sizes(IN, new int[] {8, 6});

    private final Parameters critics = TwinCritics.declare(SIZES);
    private final Parameters targets;
    private final TwinCritics twin;
    private final Mlp q1;
    private final Mlp q2;
    private final Mlp t1;
    private final Mlp t2;
    private final float[] x = new float[ROWS * IN];

    TwinCriticsTest() {
        TwinCritics.initialize(critics, SIZES, new RandomStream(3));
        // weights far from the initial ones, targets different from the critics: Q1 and Q2 then differ enough
        // that the minimum of either pair falls on both sides
        RandomStream r = new RandomStream(4);
        float[] cv = critics.values();
        for (int i = 0; i < cv.length; i++) {
            cv[i] += (float) r.nextGaussian();
        }
        targets = critics.copy();
        float[] tv = targets.values();
        for (int i = 0; i < tv.length; i++) {
            tv[i] += (float) r.nextGaussian();
        }
        twin = new TwinCritics(critics, targets, SIZES, ROWS, Rounding.FP32);
        q1 = new Mlp(critics, "q1.", SIZES, ROWS, Rounding.FP32);
        q2 = new Mlp(critics, "q2.", SIZES, ROWS, Rounding.FP32);
        t1 = new Mlp(targets, "q1.", SIZES, ROWS, Rounding.FP32);
        t2 = new Mlp(targets, "q2.", SIZES, ROWS, Rounding.FP32);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
    }

    /** {@code n} values {@code scale * N(0, 1)} from a fixed stream. */
    private static float[] values(int n, float scale, long seed) {
        RandomStream r = new RandomStream(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * (float) r.nextGaussian();
        }
        return v;
    }

    private void input(Mlp... nets) {
        for (Mlp m : nets) {
            System.arraycopy(x, 0, m.input(), 0, x.length);
        }
    }

    @Test
    void td3AndSoftTargetsAreTheClippedDoubleQTargets() {
        float[] reward = values(ROWS + 2, 3f, 11);
        float[] terminal = new float[ROWS + 2];
        for (int i = 0; i < terminal.length; i += 3) {
            terminal[i] = 1f;
        }
        float[] logp = values(ROWS, 1f, 12);
        input(twin.q1Target, twin.q2Target, t1, t2);
        float[] y = new float[ROWS];
        twin.td3Targets(reward, terminal, 1, 0.9f, ROWS, y);
        float[] a = t1.forward(ROWS).clone();
        float[] b = t2.forward(ROWS).clone();
        int firstChosen = 0;
        for (int i = 0; i < ROWS; i++) {
            float min = Math.min(a[i], b[i]);
            firstChosen += a[i] <= b[i] ? 1 : 0;
            assertEquals(reward[1 + i] + 0.9f * (1f - terminal[1 + i]) * min, y[i], 0f, "TD3 target of row " + i);
        }
        assertNotEquals(0, firstChosen * (ROWS - firstChosen), "the rows take the minimum from both targets");
        input(twin.q1Target, twin.q2Target);
        twin.softTargets(reward, terminal, 1, 0.9f, 0.2f, logp, ROWS, y);
        for (int i = 0; i < ROWS; i++) {
            float soft = Math.min(a[i], b[i]) - 0.2f * logp[i];
            assertEquals(reward[1 + i] + 0.9f * (1f - terminal[1 + i]) * soft, y[i], 0f, "soft target of row " + i);
        }
    }

    @Test
    void regressionAddsBothCriticsSquaredErrorGradients() {
        float[] y = values(ROWS, 1f, 13);
        float scale = 2f / ROWS;
        input(twin.q1, twin.q2, q1, q2);
        float[] grad = new float[critics.size()];
        twin.regress(y, ROWS, scale, grad);
        float[] v1 = q1.forward(ROWS).clone();
        float[] v2 = q2.forward(ROWS).clone();
        double loss = 0;
        double sumQ = 0;
        float[] g1 = new float[ROWS];
        float[] g2 = new float[ROWS];
        for (int i = 0; i < ROWS; i++) {
            float e1 = v1[i] - y[i];
            float e2 = v2[i] - y[i];
            loss += (double) e1 * e1 + (double) e2 * e2;
            sumQ += v1[i];
            g1[i] = scale * e1;
            g2[i] = scale * e2;
        }
        assertEquals(loss, twin.lossSum(), 0.0);
        assertEquals(sumQ, twin.q1Sum(), 0.0);
        float[] expected = new float[critics.size()];
        q1.backward(g1, expected, null, 0, 0);
        q2.backward(g2, expected, null, 0, 0);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], grad[i], 0f, "gradient " + i);
        }
    }

    @Test
    void softPolicyLossSendsEachRowsGradientThroughTheSmallerCritic() {
        float[] logp = values(ROWS, 1f, 12);
        float g = -1f / ROWS;
        int act = 2;
        int col = IN - act;
        input(twin.q1, twin.q2, q1, q2);
        float[] gU1 = new float[ROWS * act];
        float[] gU2 = new float[ROWS * act];
        double loss = twin.softPolicyLoss(ROWS, 0.2f, logp, g, gU1, gU2, col, act);
        float[] a1 = q1.forward(ROWS).clone();
        float[] a2 = q2.forward(ROWS).clone();
        double expectedLoss = 0;
        double sumLogp = 0;
        float[] gq1 = new float[ROWS];
        float[] gq2 = new float[ROWS];
        for (int i = 0; i < ROWS; i++) {
            expectedLoss += 0.2f * logp[i] - Math.min(a1[i], a2[i]);
            sumLogp += logp[i];
            gq1[i] = a1[i] <= a2[i] ? g : 0f;
            gq2[i] = a1[i] <= a2[i] ? 0f : g;
        }
        int firstChosen = 0;
        for (int i = 0; i < ROWS; i++) {
            firstChosen += a1[i] <= a2[i] ? 1 : 0;
        }
        assertNotEquals(0, firstChosen * (ROWS - firstChosen), "the rows take the minimum from both critics");
        assertEquals(expectedLoss, loss, 0.0);
        assertEquals(sumLogp, twin.logLikelihoodSum(), 0.0);
        float[] e1 = new float[ROWS * act];
        float[] e2 = new float[ROWS * act];
        q1.backward(gq1, (float[]) null, e1, col, act);
        q2.backward(gq2, (float[]) null, e2, col, act);
        for (int i = 0; i < ROWS * act; i++) {
            assertEquals(e1[i], gU1[i], 0f, "dL/du through Q1, " + i);
            assertEquals(e2[i], gU2[i], 0f, "dL/du through Q2, " + i);
        }

        input(twin.q1, q1);
        float[] gA = new float[ROWS * act];
        double pl = twin.deterministicPolicyLoss(ROWS, g, gA, col, act);
        float[] q = q1.forward(ROWS).clone();
        double expectedPl = 0;
        float[] gq = new float[ROWS];
        for (int i = 0; i < ROWS; i++) {
            expectedPl -= q[i];
            gq[i] = g;
        }
        assertEquals(expectedPl, pl, 0.0);
        float[] e = new float[ROWS * act];
        q1.backward(gq, (float[]) null, e, col, act);
        for (int i = 0; i < ROWS * act; i++) {
            assertEquals(e[i], gA[i], 0f, "TD3 dL/du through Q1, " + i);
        }
    }
}
