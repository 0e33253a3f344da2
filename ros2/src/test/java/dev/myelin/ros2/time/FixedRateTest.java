package dev.myelin.ros2.time;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The schedule's properties, driven with given end times (no clock, no timing thresholds). */
class FixedRateTest {
    private static final long PERIOD = 10_000_000; // 100 Hz

    @Test
    void workInTimeMovesOnePeriodAndAnOverrunSkipsWholePeriods() {
        FixedRate r = new FixedRate(PERIOD, 1_000);
        assertEquals(0, r.advance(1_000 + PERIOD / 2));
        assertEquals(1_000 + PERIOD, r.release());
        // work of the second period ends 2.5 periods after its release: releases 2, 3 and 4 are past
        assertEquals(2, r.advance(1_000 + PERIOD + 5 * PERIOD / 2));
        assertEquals(1_000 + 4 * PERIOD, r.release(), "the next future boundary, no catch-up burst");
        // ending exactly on the next release misses it (the work of that period could not start on time)
        assertEquals(1, r.advance(1_000 + 5 * PERIOD));
        assertEquals(1_000 + 6 * PERIOD, r.release());
        assertEquals(3, r.missed());
    }

    @Property(tries = 200)
    void releasesStayOnTheGridInTheFutureAndEverySkipIsCounted(
            @ForAll @Size(min = 1, max = 50) List<@LongRange(min = 0, max = 5 * PERIOD) Long> workNanos,
            @ForAll @LongRange(min = -1_000_000_000, max = 1_000_000_000) long start) {
        FixedRate r = new FixedRate(PERIOD, start);
        long periods = 0;
        long skipped = 0;
        for (long work : workNanos) {
            long before = r.release();
            long end = before + work;
            long s = r.advance(end);
            skipped += s;
            periods += (r.release() - before) / PERIOD;
            assertEquals(0, (r.release() - start) % PERIOD, "on the grid start + k * period");
            assertTrue(r.release() > end, "the next release lies after the work ended");
            assertTrue(r.release() - end <= PERIOD, "and is the first boundary after it");
            assertEquals(s + 1, (r.release() - before) / PERIOD, "one period plus the skipped ones");
        }
        assertEquals(periods - workNanos.size(), skipped);
        assertEquals(skipped, r.missed());
    }

    @Test
    void parkUntilReturnsAtOnceForAPastDeadlineAndWhenInterrupted() {
        long t0 = System.nanoTime();
        FixedRate.parkUntil(t0 - 1);
        Thread.currentThread().interrupt();
        try {
            FixedRate.parkUntil(System.nanoTime() + 60_000_000_000L);
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt stays set");
        } finally {
            Thread.interrupted();
        }
        assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "did not wait out a minute");
    }

    /** The pacing of a hot loop allocates nothing: 1 000 000 advances within an 8 KiB budget (JIT slack). */
    @Test
    void advancingAllocatesNothing() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        FixedRate r = new FixedRate(PERIOD, 0);
        long end = 0;
        for (int i = 0; i < 200_000; i++) { // warm-up
            end += (i % 7 == 0) ? 3 * PERIOD : PERIOD / 2;
            r.advance(end);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        long skipped = 0;
        for (int i = 0; i < 1_000_000; i++) {
            end = r.release() + ((i % 7 == 0) ? 3 * PERIOD : PERIOD / 2);
            skipped += r.advance(end);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(skipped > 0, "overruns were taken");
        assertTrue(allocated < 8 * 1024, allocated + " bytes allocated over 1 000 000 advances");
    }

    @Test
    void aPeriodMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FixedRate(0, 0));
        assertTrue(e.getMessage().contains("period"), e.getMessage());
    }
}
