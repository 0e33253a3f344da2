package dev.myelin.policy.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Warm-up calls first, then one timed sample per call, cycling through the observation stream in order. */
class EngineBenchmarkTest {

    @Test
    void warmUpThenOneSamplePerTimedCallOverTheStreamInOrder() {
        float[][] stream = EngineBenchmark.observations(3, 4, 7);
        List<float[]> seen = new ArrayList<>();
        LatencyRecorder.Summary s = EngineBenchmark.measure(seen::add, stream, 5, 6);
        assertEquals(6, s.samples());
        assertEquals(11, seen.size());
        for (int i = 0; i < 5; i++) {
            assertSame(stream[i % 4], seen.get(i), "warm-up call " + i);
        }
        for (int i = 0; i < 6; i++) {
            assertSame(stream[i % 4], seen.get(5 + i), "timed call " + i);
        }
        assertTrue(s.p50us() >= 0 && s.p50us() <= s.maxUs(), s.toString());
    }
}
