package dev.myelin.ros2.time;

import java.util.concurrent.locks.LockSupport;

/**
 * A fixed-rate schedule with absolute deadlines, as rclcpp's {@code WallRate} and ros2_control's
 * {@code next += period}: release times are {@code first + k * period}, so the rate never drifts with the
 * work's duration. After an overrun every release already past is skipped and counted, and the next
 * release is the next future period boundary: never a catch-up burst.
 *
 * <p>Owned by the one thread it paces; every method is allocation-free ({@link System#nanoTime()} clock).
 */
public final class FixedRate {

    private final long periodNanos;
    private long release;
    private long missed;

    /** A schedule of {@code periodNanos} (> 0) whose first release is {@code firstRelease}. */
    public FixedRate(long periodNanos, long firstRelease) {
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("period must be > 0 ns, got " + periodNanos);
        }
        this.periodNanos = periodNanos;
        this.release = firstRelease;
    }

    public long periodNanos() {
        return periodNanos;
    }

    /** The current release time: when the next period's work is due. */
    public long release() {
        return release;
    }

    /** Releases skipped so far because work overran them. */
    public long missed() {
        return missed;
    }

    /**
     * Moves on to the next release once the current period's work ended at {@code now}: one period
     * later, or, when that is already reached, the first period boundary after {@code now}.
     *
     * @return the releases skipped (0 when the work ended in time)
     */
    public long advance(long now) {
        release += periodNanos;
        long late = now - release;
        if (late < 0) {
            return 0;
        }
        long skipped = late / periodNanos + 1;
        release += skipped * periodNanos;
        missed += skipped;
        return skipped;
    }

    /** {@link #advance} at the current time, then parks until the new release. */
    public long sleep() {
        long skipped = advance(System.nanoTime());
        parkUntil(release);
        return skipped;
    }

    /**
     * Parks the calling thread until {@link System#nanoTime()} reaches {@code deadline}; returns at once when it
     * is past or the thread is interrupted (its interrupt status stays set).
     */
    public static void parkUntil(long deadline) {
        long wait;
        while ((wait = deadline - System.nanoTime()) > 0 && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(wait);
        }
    }
}
