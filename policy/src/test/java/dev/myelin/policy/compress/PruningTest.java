package dev.myelin.policy.compress;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PruningTest {

    @Provide
    Arbitrary<float[]> weights() {
        // Few distinct magnitudes so that ties are common.
        return Arbitraries.integers().between(-6, 6).map(i -> i * 0.25f).array(float[].class).ofMinSize(1).ofMaxSize(80);
    }

    @Property
    void prunesExactlyTheSmallestMagnitudes(@ForAll("weights") float[] w,
                                            @ForAll @DoubleRange(min = 0.0, max = 0.99) double fraction) {
        float[] p = Pruning.prune(w, fraction);
        int k = Pruning.prunedCount(w.length, fraction);
        assertEquals(Math.round(fraction * w.length), k);
        int zerosBefore = 0;
        int zerosAfter = 0;
        float largestPruned = 0f;
        float smallestKept = Float.POSITIVE_INFINITY;
        for (int i = 0; i < w.length; i++) {
            zerosBefore += w[i] == 0f ? 1 : 0;
            zerosAfter += p[i] == 0f ? 1 : 0;
            if (Float.floatToRawIntBits(p[i]) != Float.floatToRawIntBits(w[i])) {
                assertEquals(0, Float.floatToRawIntBits(p[i]), "pruned entries become +0");
                largestPruned = Math.max(largestPruned, Math.abs(w[i]));
            } else if (p[i] != 0f) {
                smallestKept = Math.min(smallestKept, Math.abs(w[i]));
            }
        }
        // Zeros are the smallest magnitudes, so they are pruned first: exactly max(k, zeros already there) remain.
        assertEquals(Math.max(k, zerosBefore), zerosAfter);
        assertTrue(largestPruned <= smallestKept, largestPruned + " pruned but " + smallestKept + " kept");
    }

    @Example
    void tiesGoToTheLowerIndex() {
        float[] w = {0.5f, -0.5f, 0.5f, 2f};
        assertArrayEquals(new float[] {0f, 0f, 0.5f, 2f}, Pruning.prune(w, 0.5));
        assertArrayEquals(w, Pruning.prune(w, 0.0));
        assertArrayEquals(new float[] {0f, 0f, 0f, 2f}, Pruning.prune(w, 0.75));
    }

    @Example
    void refusesFractionsOutsideZeroToOne() {
        for (double bad : new double[] {-0.01, 1.0, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pruning.prune(new float[4], bad));
            assertTrue(e.getMessage().contains("prune fraction"), e.getMessage());
        }
    }
}
