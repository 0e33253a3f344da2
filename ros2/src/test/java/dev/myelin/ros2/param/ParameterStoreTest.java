package dev.myelin.ros2.param;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sets are all or nothing, validated as a whole, and adopted by the owner's loop at a tick boundary. */
class ParameterStoreTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static final List<ParameterDescriptor> DECLARED = List.of(
            ParameterDescriptor.of("low", ParameterType.DOUBLE, "lower bound").range(-10, 10),
            ParameterDescriptor.of("high", ParameterType.DOUBLE, "upper bound").range(-10, 10),
            ParameterDescriptor.of("name", ParameterType.STRING, "label"),
            ParameterDescriptor.of("frames", ParameterType.STRING_ARRAY, "frames"));

    private static Object lowBelowHigh(Map<String, Object> p) {
        if ((Double) p.get("low") >= (Double) p.get("high")) {
            throw new IllegalArgumentException("low (" + p.get("low") + ") must be below high (" + p.get("high") + ")");
        }
        return p.get("high");
    }

    @Test
    void aRefusedSetLeavesEveryValueAsItWas() {
        ParameterStore s = ParameterStore.immediate(DECLARED,
                Map.of("low", -1.0, "high", 1.0, "name", "a", "frames", List.of("odom")), ParameterStoreTest::lowBelowHigh);
        List<Map<String, Object>> events = new CopyOnWriteArrayList<>();
        s.onChange(events::add);
        Map<String, Object> before = s.snapshot();

        assertEquals("low (2.0) must be below high (1.0)", s.set(Map.of("name", "b", "low", 2.0), Duration.ZERO).reason());
        assertEquals("parameter 'high' must be in [-10, 10], not 11.0", s.set(Map.of("high", 11.0), Duration.ZERO).reason());
        assertEquals("parameter 'name' is string, not integer", s.set(Map.of("name", 3), Duration.ZERO).reason());
        assertTrue(s.set(Map.of("nope", 1.0), Duration.ZERO).reason().startsWith("parameter 'nope' is not declared"));
        assertEquals("parameter 'low' must be finite, not NaN", s.set(Map.of("low", Double.NaN), Duration.ZERO).reason());
        assertEquals(before, s.snapshot());
        assertTrue(events.isEmpty());

        assertTrue(s.set(Map.of("high", 5.0, "low", 2.0, "frames", List.of()), Duration.ZERO).successful());
        assertEquals(Map.of("low", 2.0, "high", 5.0, "name", "a", "frames", List.of()), s.snapshot());
        assertEquals(List.of(Map.of("high", 5.0, "low", 2.0, "frames", List.of())), events);
        assertThrows(IllegalArgumentException.class, () -> ParameterStore.immediate(DECLARED,
                Map.of("low", 20.0, "high", 1.0, "name", "a", "frames", List.of()), p -> null));
    }

    @Test
    void aLoopAdoptsAStagedSetAtItsNextTickAndNothingWhileItIsStopped() throws Exception {
        AtomicBoolean running = new AtomicBoolean(false);
        ParameterStore s = ParameterStore.adoptedAtTicks(DECLARED,
                Map.of("low", -1.0, "high", 1.0, "name", "a", "frames", List.of()), ParameterStoreTest::lowBelowHigh,
                running::get);
        assertFalse(s.set(Map.of("high", 2.0), Duration.ofMillis(50)).successful(), "no loop, no adoption");
        assertEquals(1.0, s.get("high"));

        AtomicLong ticks = new AtomicLong();
        List<Object> adoptedAt = new CopyOnWriteArrayList<>();
        running.set(true);
        Thread loop = Thread.ofPlatform().start(() -> {
            while (running.get()) {
                Object prepared = s.adoptPending();
                if (prepared != null) {
                    adoptedAt.add(ticks.get() + ":" + prepared + ":" + s.get("high"));
                }
                ticks.incrementAndGet();
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        });
        long before = ticks.get();
        assertTrue(s.set(Map.of("high", 3.0), Duration.ofSeconds(5)).successful());
        assertEquals(3.0, s.get("high"));
        assertEquals(1, adoptedAt.size());
        String[] at = ((String) adoptedAt.getFirst()).split(":");
        assertTrue(Long.parseLong(at[0]) >= before, "adopted at a tick after the set began");
        assertEquals("3.0", at[1], "the validator's preparation reached the loop");
        assertEquals("3.0", at[2], "the snapshot changed at that tick");
        assertEquals("low (4.0) must be below high (3.0)", s.set(Map.of("low", 4.0), Duration.ofSeconds(5)).reason());
        assertFalse(s.hasPending());
        running.set(false);
        loop.join();

        // the loop's call allocates nothing when nothing is staged
        long tid = Thread.currentThread().threadId();
        long fewest = Long.MAX_VALUE;
        Object last = null;
        for (int round = 0; round < 5; round++) { // the first rounds pay for compilation
            long bytes = THREADS.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 100_000; i++) {
                last = s.adoptPending();
            }
            fewest = Math.min(fewest, THREADS.getThreadAllocatedBytes(tid) - bytes);
        }
        assertEquals(0, fewest, "bytes allocated by 100000 idle adoptPending calls");
        assertNull(last);
    }
}
