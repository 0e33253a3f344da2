package dev.myelin.controller.hosting;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What one policy did since it was last installed: decisions, non-finite actions blocked, faults (the engine
 * threw), ticks held safe and control periods missed while it ran. Each {@link PreparedPolicy} owns one; the
 * control loop counts into the installed policy's (single writer: no lock, no allocation) and
 * {@link PreparedPolicy#health()} reads them from any thread. Installing the policy again starts them at zero.
 */
public final class PolicyCounters {
    private static final int DECISIONS = 0;
    private static final int NON_FINITE = 1;
    private static final int FAULTS = 2;
    private static final int SAFE_HOLDS = 3;
    private static final int MISSES = 4;

    private final AtomicLongArray counts = new AtomicLongArray(5);

    PolicyCounters() {
    }

    /** One decision of the policy. Loop thread. */
    public void countDecision() {
        add(DECISIONS, 1);
    }

    /** One non-finite action the safety gate blocked. Loop thread. */
    public void countNonFinite() {
        add(NON_FINITE, 1);
    }

    /** One decision that threw. Loop thread. */
    public void countFault() {
        add(FAULTS, 1);
    }

    /** One tick the outputs were held safe while this policy was installed. Loop thread. */
    public void countSafeHold() {
        add(SAFE_HOLDS, 1);
    }

    /** {@code n} control periods missed while this policy was installed. Loop thread. */
    public void countMisses(long n) {
        add(MISSES, n);
    }

    private void add(int which, long n) {
        counts.lazySet(which, counts.get(which) + n);
    }

    /** Loop thread, at installation. */
    void reset() {
        for (int i = 0; i < counts.length(); i++) {
            counts.lazySet(i, 0);
        }
    }

    public long decisions() {
        return counts.get(DECISIONS);
    }

    public long nonFinite() {
        return counts.get(NON_FINITE);
    }

    public long faults() {
        return counts.get(FAULTS);
    }

    public long safeHolds() {
        return counts.get(SAFE_HOLDS);
    }

    public long misses() {
        return counts.get(MISSES);
    }
}
