package dev.myelin.policy.engine;

import dev.myelin.policy.model.Policy;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event-driven engine is bit-identical to the dense reference: actions, spikes and SynOps. */
class EngineAgreementTest {

    @Property(tries = 40)
    void eventEqualsDenseBitForBit(@ForAll long seed, @ForAll @IntRange(min = 0, max = 3) int family) {
        Policy policy = Networks.allFamilies(seed).get(family);
        InferenceEngine dense = InferenceEngines.create("dense", policy, seed);
        InferenceEngine event = InferenceEngines.create("event", policy, seed);
        float[][] stream = Networks.observations(policy.network().observationSize(), 12, seed ^ 0x5DEECE66DL);
        float[] a = new float[dense.actionSize()];
        float[] b = new float[event.actionSize()];
        long spikes = 0;
        for (float[] o : stream) {
            dense.act(o, a);
            event.act(o, b);
            dense.reward(o[0]);
            event.reward(o[0]);
            for (int j = 0; j < a.length; j++) {
                assertEquals(Float.floatToRawIntBits(a[j]), Float.floatToRawIntBits(b[j]),
                        () -> "action differs between dense and event for " + policy.network().family());
            }
            assertEquals(dense.energy().spikes(), event.energy().spikes(), "spike counts differ");
            assertEquals(dense.energy().synOps(), event.energy().synOps(), "SynOps differ");
            assertEquals(dense.energy().macs(), event.energy().macs(), "MACs differ");
            spikes += dense.energy().spikes();
        }
        assertTrue(spikes > 0, "the random network never spiked; the comparison would be vacuous");
    }

    @Property(tries = 10)
    void vectorKernelsEqualScalarKernels(@ForAll long seed) {
        // Columns' vector and scalar kernels must agree exactly; compare them directly.
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        int in = 1 + rnd.nextInt(200);
        int out = 1 + rnd.nextInt(150);
        float[] w = new float[in * out];
        int[] wi = new int[in * out];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian();
            wi[i] = rnd.nextInt(-127, 128);
        }
        int count = rnd.nextInt(in + 1);
        int[] idx = new int[count];
        float[] x = new float[count];
        int[] xi = new int[count];
        for (int k = 0; k < count; k++) {
            idx[k] = rnd.nextInt(in);
            x[k] = (float) rnd.nextGaussian();
            xi[k] = rnd.nextInt(3);
        }
        float[] scalar = new float[out];
        float[] vector = new float[out];
        Columns.sumTail(w, out, idx, count, scalar, 0);
        Columns.sum(w, out, idx, count, vector);
        assertArrayEquals(scalar, vector);
        Columns.sumScaledTail(w, out, idx, x, count, scalar, 0);
        Columns.sumScaled(w, out, idx, x, count, vector);
        assertArrayEquals(scalar, vector);
        int[] si = new int[out];
        int[] vi = new int[out];
        Columns.sumScaledTail(wi, out, idx, xi, count, si, 0);
        Columns.sumScaled(wi, out, idx, xi, count, vi);
        assertArrayEquals(si, vi);
    }

    @Property(tries = 20)
    void vectorNeuronUpdatesEqualScalarOnes(@ForAll long seed) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        int n = 1 + rnd.nextInt(300);
        float[] x = new float[n];
        for (int k = 0; k < n; k++) {
            x[k] = (float) (-rnd.nextDouble() * 100 + (k % 7 == 0 ? 95 : 0));
        }
        float[] vec = new float[n];
        VectorNeurons.exp(x, vec, n);
        for (int k = 0; k < n; k++) {
            assertEquals(Float.floatToRawIntBits(FastExp.exp(x[k])), Float.floatToRawIntBits(vec[k]), "exp(" + x[k] + ")");
        }
        float[] c1 = new float[n], v1 = new float[n], s1 = new float[n], cur = new float[n], b = new float[n];
        for (int k = 0; k < n; k++) {
            c1[k] = (float) rnd.nextGaussian();
            v1[k] = (float) rnd.nextGaussian();
            s1[k] = rnd.nextBoolean() ? 1f : 0f;
            cur[k] = (float) rnd.nextGaussian();
            b[k] = (float) rnd.nextGaussian() * 0.1f;
        }
        float[] c2 = c1.clone(), v2 = v1.clone(), s2 = s1.clone();
        int[] f1 = new int[n + Spikes.SLACK];
        int[] f2 = new int[n + Spikes.SLACK];
        int n1 = FloatLif.stepScalar(c1, v1, s1, f1, 0, cur, b, 0.5f, 0.75f, 0.5f, 0, n);
        int n2 = VectorNeurons.lifStep(c2, v2, s2, f2, cur, b, 0.5f, 0.75f, 0.5f, n);
        assertArrayEquals(c1, c2);
        assertArrayEquals(v1, v2);
        assertArrayEquals(s1, s2);
        assertEquals(n1, n2);
        assertArrayEquals(java.util.Arrays.copyOf(f1, n1), java.util.Arrays.copyOf(f2, n2));
    }
}
