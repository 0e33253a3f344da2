package dev.myelin.controller.loop;

import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * How the loop thread waits for its next release time (Agrona's idle strategies, adapted to
 * absolute deadlines). Busy-spin has the least jitter and burns a core; park frees the core and
 * wakes up to the kernel's timer slack late (tens of microseconds); spin-then-park parks until
 * {@link #SPIN_WINDOW_NANOS} before the deadline, then spins.
 */
public enum IdleStrategy {
    BUSY_SPIN("busy-spin"),
    SPIN_THEN_PARK("spin-then-park"),
    PARK("park");

    /** Spin this long before a deadline under {@link #SPIN_THEN_PARK}: above the typical park overshoot. */
    public static final long SPIN_WINDOW_NANOS = 150_000;

    private final String configName;

    IdleStrategy(String configName) {
        this.configName = configName;
    }

    /** The name used in parameter files. */
    public String configName() {
        return configName;
    }

    public static IdleStrategy named(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (IdleStrategy s : values()) {
            if (s.configName.equals(n)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown idle strategy '" + name + "' (known: busy-spin, spin-then-park, park)");
    }

    /** Waits until {@link System#nanoTime()} reaches {@code deadline}. Loop thread. Allocation-free. */
    public void idleUntil(long deadline) {
        switch (this) {
            case BUSY_SPIN -> {
                while (System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                }
            }
            case SPIN_THEN_PARK -> {
                long wait;
                while ((wait = deadline - System.nanoTime()) > SPIN_WINDOW_NANOS) {
                    LockSupport.parkNanos(wait - SPIN_WINDOW_NANOS);
                }
                while (System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                }
            }
            case PARK -> {
                long wait;
                while ((wait = deadline - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }
    }

    @Override
    public String toString() {
        return configName;
    }
}
