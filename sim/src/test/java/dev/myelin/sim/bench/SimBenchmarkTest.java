package dev.myelin.sim.bench;

import dev.myelin.sim.TaskSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark's bookkeeping: every trial kept per subject, quantiles of them, the scaling of paired trials. */
class SimBenchmarkTest {

    @Test
    void figuresKeepEveryTrialAndTheScalingIsTheMedianOfPairedRatios() {
        SimBenchmark.Result r = SimBenchmark.measure(TaskSpec.of("pendulum"), 16, 2, new SimBenchmark.Timing(3, 0.02, 0));
        assertEquals(16, r.worlds());
        assertEquals(2, r.threadsAll());
        for (SimBenchmark.Figure f : new SimBenchmark.Figure[] {r.envApi(), r.oneThread(), r.threads()}) {
            assertEquals(3, f.trials().length);
            assertEquals(3, f.cpuTrials().length);
            for (double t : f.trials()) {
                assertTrue(t > 0 && Double.isFinite(t), "steps per second: " + t);
            }
            assertTrue(f.percentile(0) <= f.median() && f.median() <= f.percentile(1));
        }
        double[] ratios = new double[3];
        for (int t = 0; t < 3; t++) {
            ratios[t] = r.threads().trials()[t] / r.oneThread().trials()[t];
        }
        assertEquals(new SimBenchmark.Figure(ratios, ratios).median(), r.scaling(), 0);
    }

    @Test
    void quantilesInterpolateBetweenSortedTrials() {
        SimBenchmark.Figure f = new SimBenchmark.Figure(new double[] {40, 10, 30, 20}, new double[] {1, 2, 3, 4});
        assertEquals(10, f.percentile(0));
        assertEquals(40, f.percentile(1));
        assertEquals(25, f.median());
        assertEquals(13, f.percentile(0.1), 1e-12);
        assertEquals(2.5, f.cpuMedian());
        assertThrows(IllegalArgumentException.class, () -> new SimBenchmark.Timing(0, 1, 0));
    }
}
