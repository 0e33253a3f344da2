package dev.myelin.trainer.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The update figure's bookkeeping on a short run, and the nearest-rank percentile. */
class TrainBenchmarkTest {

    @Test
    void percentileIsNearestRank() {
        long[] xs = {50, 10, 40, 20, 30};
        assertEquals(10, TrainBenchmark.percentile(xs, 1));
        assertEquals(30, TrainBenchmark.percentile(xs, 50));
        assertEquals(50, TrainBenchmark.percentile(xs, 99));
        assertEquals(50, xs[0], "the input is left as it was");
    }

    @Test
    void updateTimingsAreConsistent() throws Exception {
        TrainBenchmark.UpdateTiming u = TrainBenchmark.timeUpdates("fp32", 1, 0, 4);
        assertEquals(1, u.threads());
        assertTrue(u.meanMs() > 0 && u.p50Ms() > 0 && u.p50Ms() <= u.p90Ms() && u.p90Ms() <= u.p99Ms(), u.toString());
        assertTrue(u.pairP50Ms() > 0, u.toString());
        assertTrue(u.flops() > 1e8, "a HalfCheetah-sized update is hundreds of MFLOP: " + u.flops());
        assertEquals(1000 / u.meanMs(), u.updatesPerSecond(), 1e-9);
        assertEquals(u.flops() / (u.meanMs() * 1e-3) / 1e9, u.achievedGflops(), 1e-9);
    }
}
