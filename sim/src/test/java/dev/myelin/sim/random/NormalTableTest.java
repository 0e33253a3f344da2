package dev.myelin.sim.random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NormalTableTest {

    @Test
    void tableHasZeroMeanUnitVarianceAndNormalQuantiles() {
        double sum = 0;
        double sq = 0;
        for (int k = 0; k < NormalTable.size(); k++) {
            sum += NormalTable.quantile(k);
            sq += NormalTable.quantile(k) * NormalTable.quantile(k);
            if (k > 0) {
                assertTrue(NormalTable.quantile(k) > NormalTable.quantile(k - 1), "ascending at " + k);
            }
        }
        assertEquals(0.0, sum / NormalTable.size(), 1e-6);
        assertEquals(1.0, sq / NormalTable.size(), 1e-5);
        // 97.5 % quantile of N(0,1) is 1.959964; entry k sits at probability (k + 0.5) / 4096.
        int k975 = (int) Math.round(0.975 * NormalTable.size() - 0.5);
        assertEquals(1.959964, NormalTable.quantile(k975), 0.01);
        // Median pair straddles zero symmetrically.
        assertEquals(-NormalTable.quantile(2047), NormalTable.quantile(2048), 1e-7);
        assertEquals(0.000306, NormalTable.quantile(2048), 0.0001);
    }

    @Test
    void samplingWithSplitMixBitsMatchesNormalMoments() {
        long[] state = {42};
        int n = 200_000;
        double sum = 0;
        double sq = 0;
        int beyond = 0;
        for (int i = 0; i < n; i++) {
            double v = NormalTable.sample(SplitMix.next(state, 0));
            sum += v;
            sq += v * v;
            if (Math.abs(v) > 1.959964) {
                beyond++;
            }
        }
        assertEquals(0.0, sum / n, 0.01);
        assertEquals(1.0, sq / n, 0.02);
        assertEquals(0.05, (double) beyond / n, 0.004);
    }
}
