package dev.myelin.trainer.djl;

import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DJL's dense evaluation of PopSAN agrees with the policy module's fp32 reference engine. */
class DjlPopSanForwardTest {

    @Test
    void djlMatchesTheDenseEngine() {
        Policy policy = Policy.withDefaults(PopSan.random(17, 6, 10, new int[] {64, 64}, 5, SpikeMode.DETERMINISTIC, 42),
                Map.of());
        InferenceEngine dense = InferenceEngines.create("dense", policy);
        SplittableRandom rnd = new SplittableRandom(1);
        int exact = 0;
        int decisions = 50;
        try (DjlPopSanForward djl = new DjlPopSanForward(policy)) {
            float[] a = new float[6];
            for (int i = 0; i < decisions; i++) {
                float[] o = new float[17];
                for (int k = 0; k < o.length; k++) {
                    o[k] = (float) rnd.nextGaussian();
                }
                dense.act(o, a);
                float[] b = djl.act(o);
                double worst = 0;
                for (int j = 0; j < 6; j++) {
                    worst = Math.max(worst, Math.abs(a[j] - b[j]));
                }
                // Summation order differs (BLAS vs column sums), so a membrane potential sitting within
                // rounding of the threshold may flip one spike; everything else agrees to 1e-5.
                if (worst <= 1e-5) {
                    exact++;
                }
                assertTrue(worst < 0.2, "decision " + i + ": DJL and dense differ by " + worst);
            }
        }
        assertTrue(exact >= decisions * 0.9, "only " + exact + " of " + decisions + " decisions agree within 1e-5");
        assertEquals(50, decisions);
    }
}
