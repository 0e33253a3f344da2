package dev.myelin.trainer.seq;

import dev.myelin.trainer.nn.Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GRU baseline: hand-written BPTT against finite differences, stepper against the training pass. */
class GruActorTest {
    private static double loss(SequenceActor a, float[] o, float[] pa, float[] pr, int batch, int steps, float[] g) {
        float[] y = a.forward(o, pa, pr, batch, steps);
        double s = 0;
        for (int i = 0; i < g.length; i++) {
            s += (double) g[i] * y[i];
        }
        return s;
    }

    /** Every parameter's gradient equals the central difference of {@code sum(g * action)} over a whole sequence. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void gradientsEqualCentralFiniteDifferences(boolean previousActionReward) {
        int obs = 3;
        int act = 2;
        int batch = 3;
        int steps = 9;
        GruActor a = (GruActor) GruActor.create(obs, act, Map.of("hidden", List.of(7, 5),
                "previous_action_reward", previousActionReward), 17);
        Parameters p = a.parameters();
        float[] v = p.values();
        SplittableRandom r = new SplittableRandom(17);
        for (int i = 0; i < v.length; i++) {
            v[i] *= 2.5f; // larger weights than the initialisation: saturating gates and a long memory
        }
        a.refreshWeights();
        float[] o = GrsnActorTest.gaussian(r, steps * batch * obs, 1.0);
        float[] pa = GrsnActorTest.gaussian(r, steps * batch * act, 0.5);
        float[] pr = GrsnActorTest.gaussian(r, steps * batch, 1.0);
        float[] g = GrsnActorTest.gaussian(r, steps * batch * act, 1.0);
        a.forward(o, pa, pr, batch, steps);
        p.zeroGradients();
        a.backward(g);
        float[] analytic = p.gradients().clone();
        float eps = 1e-2f;
        int checked = 0;
        double worst = 0;
        for (int i = 0; i < v.length; i++) {
            float keep = v[i];
            v[i] = keep + eps;
            a.refreshWeights();
            double up = loss(a, o, pa, pr, batch, steps, g);
            v[i] = keep - eps;
            a.refreshWeights();
            double down = loss(a, o, pa, pr, batch, steps, g);
            v[i] = keep;
            double numeric = (up - down) / (2 * eps);
            double err = Math.abs(numeric - analytic[i]);
            worst = Math.max(worst, err / (2e-3 + 1e-2 * Math.abs(numeric)));
            assertTrue(err <= 2e-3 + 1e-2 * Math.abs(numeric), p.nameAt(i) + "[" + (i - p.offset(p.nameAt(i)))
                    + "]: finite difference " + numeric + ", backward " + analytic[i]);
            checked++;
        }
        a.refreshWeights();
        assertEquals(p.size(), checked);
        assertTrue(worst <= 1);
        double hh = 0;
        Parameters.Slice s = p.slice("gru0.weight_hh");
        for (int i = s.offset(); i < s.offset() + s.size(); i++) {
            hh += Math.abs(analytic[i]);
        }
        assertTrue(hh > 1e-3, "recurrent weights receive gradient through time");
    }

    @Test
    void stepperReproducesTheTrainingForwardPassBitForBit() {
        int obs = 4;
        int act = 2;
        int batch = 3;
        int steps = 40;
        GruActor a = (GruActor) GruActor.create(obs, act, Map.of("hidden", "16,8", "previous_action_reward", "true"), 2);
        assertEquals(obs + act + 1, a.inputSize());
        SplittableRandom r = new SplittableRandom(2);
        float[] o = GrsnActorTest.gaussian(r, steps * batch * obs, 1.0);
        float[] pa = GrsnActorTest.gaussian(r, steps * batch * act, 0.5);
        float[] pr = GrsnActorTest.gaussian(r, steps * batch, 1.0);
        float[] y = a.forward(o, pa, pr, batch, steps).clone();
        SequenceActor.Stepper st = a.stepper(batch);
        float[] out = new float[batch * act];
        for (int t = 0; t < steps; t++) {
            st.step(Arrays.copyOfRange(o, t * batch * obs, (t + 1) * batch * obs),
                    Arrays.copyOfRange(pa, t * batch * act, (t + 1) * batch * act),
                    Arrays.copyOfRange(pr, t * batch, (t + 1) * batch), out);
            for (int i = 0; i < out.length; i++) {
                assertEquals(y[t * batch * act + i], out[i], 0f, "step " + t + " element " + i);
            }
            assertEquals(0, st.lastSpikes());
            assertEquals(0, st.lastSynOps());
        }
        st.reset(0);
        SequenceActor.Stepper fresh = a.stepper(batch);
        float[] o0 = Arrays.copyOfRange(o, 0, batch * obs);
        float[] pa0 = Arrays.copyOfRange(pa, 0, batch * act);
        float[] pr0 = Arrays.copyOfRange(pr, 0, batch);
        float[] freshOut = new float[batch * act];
        st.step(o0, pa0, pr0, out);
        fresh.step(o0, pa0, pr0, freshOut);
        for (int j = 0; j < act; j++) {
            assertEquals(freshOut[j], out[j], 1e-6, "a reset lane starts from zero state");
        }
        boolean otherKeptState = false;
        for (int i = act; i < batch * act; i++) {
            otherKeptState |= Math.abs(freshOut[i] - out[i]) > 1e-6;
        }
        assertTrue(otherKeptState, "lanes that were not reset keep their state");
    }

    @Test
    void tanhMatchesTheLibraryToFloatPrecision() {
        for (int k = -200000; k <= 200000; k++) {
            float x = k * 1e-4f;
            float expected = (float) Math.tanh(x);
            float got = GruActor.tanh(x);
            assertTrue(Math.abs(expected - got) <= Math.ulp(expected), "tanh(" + x + "): " + got + " vs " + expected);
        }
        assertEquals(1f, GruActor.tanh(1e6f));
        assertEquals(-1f, GruActor.tanh(-1e6f));
        assertEquals(0f, GruActor.tanh(0f));
        assertEquals(1e-20f, GruActor.tanh(1e-20f), 1e-26f);
    }

    @Test
    void describesItselfAsTheAnnBaseline() {
        GruActor a = (GruActor) GruActor.create(5, 2, Map.of("hidden", 10), 1);
        assertEquals("gru", a.family());
        assertNull(a.toNetwork());
        assertEquals(3L * 10 * (5 + 10) + 3L * 10 + 10L * 2, a.macsPerDecision());
        assertEquals(List.of("gru0.weight_ih", "gru0.weight_hh", "gru0.bias_ih", "gru0.bias_hh", "head.weight",
                "head.bias"), a.parameters().slices().stream().map(Parameters.Slice::name).toList());
        assertEquals(64, ((GruActor) GruActor.create(2, 1, null, 1)).hidden()[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GruActor.create(3, 1, Map.of("layers", 2), 1));
        assertTrue(e.getMessage().contains("layers"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GruActor.create(3, 1, Map.of("hidden", 0), 1));
        assertTrue(e.getMessage().contains("hidden"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GruActor.create(3, 1, Map.of("previous_action_reward", "maybe"), 1));
        assertTrue(e.getMessage().contains("previous_action_reward"), e.getMessage());
        SequenceActor s = GruActor.create(3, 1, Map.of("hidden", 4), 1);
        assertThrows(IllegalStateException.class, () -> s.backward(new float[1]));
        e = assertThrows(IllegalArgumentException.class, () -> s.stepper(1).step(new float[2], new float[1],
                new float[1], new float[1]));
        assertTrue(e.getMessage().contains("observations"), e.getMessage());
    }
}
