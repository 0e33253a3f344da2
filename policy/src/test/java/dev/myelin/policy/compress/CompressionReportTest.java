package dev.myelin.policy.compress;

import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompressionReportTest {
    private final Policy policy = Policy.withDefaults(
            PopSan.random(8, 2, 10, new int[] {64, 64}, 5, SpikeMode.DETERMINISTIC, 3), Map.of());

    @Test
    void fp32UnprunedHasNoErrorAndFullSize() {
        CompressionReport r = CompressionReport.measure(policy, Precision.FP32, 0, "dense", 50, 1);
        assertEquals(r.fp32Bytes(), r.bytes());
        assertEquals(0.0, r.maxError());
        assertEquals(0.0, r.weightSparsity());
    }

    @Test
    void int8PrunedIsSmallerAndErrsALittle() {
        CompressionReport r = CompressionReport.measure(policy, Precision.INT8, 0.5, "event", 200, 1);
        assertTrue(r.sizeRatio() < 0.3, "int8 + 50% pruning should be under 30% of fp32, got " + r.sizeRatio());
        assertTrue(r.weightSparsity() >= 0.49, "sparsity " + r.weightSparsity());
        assertTrue(r.maxError() > 0, "pruning half the weights must change some action");
        assertTrue(r.meanError() < 0.5, "mean error " + r.meanError());
        assertTrue(r.p99Error() <= r.maxError() && r.meanError() <= r.maxError());
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> CompressionReport.measure(policy, Precision.INT8, 1.5, "dense", 10, 1));
        assertThrows(IllegalArgumentException.class, () -> CompressionReport.measure(policy, Precision.INT8, 0.1, "dense", 0, 1));
    }
}
