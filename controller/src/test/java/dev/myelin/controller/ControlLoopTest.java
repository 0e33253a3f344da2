package dev.myelin.controller;

import dev.myelin.controller.loop.LoopMetrics;
import dev.myelin.controller.loop.ControlLoop;
import dev.myelin.controller.loop.IdleStrategy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Absolute-deadline scheduling: releases lie on the grid {@code start + k * period} whatever the
 * load, an overrun skips the periods already past (counted) instead of bursting, and a throwing
 * tick does not stop the loop. These are properties of the schedule, not timing thresholds.
 */
class ControlLoopTest {
    private static final long PERIOD = 5_000_000; // 200 Hz
    private static final int TICKS = 40;

    @ParameterizedTest
    @EnumSource(IdleStrategy.class)
    void releasesStayOnTheGridAndAnOverrunSkipsWholePeriods(IdleStrategy idle) throws Exception {
        long[] release = new long[TICKS];
        long[] wake = new long[TICKS];
        long[] end = new long[TICKS];
        CountDownLatch done = new CountDownLatch(1);
        LoopMetrics metrics = new LoopMetrics();
        ControlLoop loop = new ControlLoop("test-loop", PERIOD, idle, (tick, rel, w) -> {
            if (tick < TICKS) {
                release[(int) tick] = rel;
                wake[(int) tick] = w;
                if (tick == 10) {
                    LockSupport.parkNanos(3 * PERIOD + PERIOD / 2); // overrun by 2.5+ periods
                }
                if (tick == 20) {
                    throw new IllegalStateException("tick 20 fails");
                }
                end[(int) tick] = System.nanoTime();
                if (tick == TICKS - 1) {
                    done.countDown();
                }
            }
            return tick == 10;
        }, metrics);
        loop.start();
        assertTrue(done.await(10, TimeUnit.SECONDS), "the loop ran " + TICKS + " ticks");
        loop.close();

        long skipped = 0;
        for (int k = 1; k < TICKS; k++) {
            long gap = release[k] - release[k - 1];
            assertEquals(0, gap % PERIOD, "release " + k + " is on the grid");
            assertTrue(gap >= PERIOD, "no catch-up burst: release " + k + " is a whole period or more after the last");
            assertTrue(wake[k] >= release[k], "never woken early");
            skipped += gap / PERIOD - 1;
        }
        assertTrue(release[11] - release[10] >= 4 * PERIOD, "tick 10 took 3.5 periods: releases 1-3 after it were skipped");
        assertTrue(release[11] > end[10] - PERIOD, "the tick after the overrun is released at a future boundary");
        assertTrue(skipped >= 3, "skipped " + skipped);
        // Every skipped period is counted (the loop may have skipped more under load, never fewer).
        assertTrue(metrics.deadlineMisses() >= skipped, metrics.deadlineMisses() + " misses counted, " + skipped + " skipped");
        assertTrue(metrics.missedDuringSwaps() >= 3, "tick 10 reported a swap: its misses count as during a swap");
        assertEquals(1, loop.tickErrors());
        assertEquals("tick 20 fails", loop.lastError().getMessage());
    }
}
