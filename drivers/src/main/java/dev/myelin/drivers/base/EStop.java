package dev.myelin.drivers.base;

/**
 * Debounced emergency-stop input: a raw level must hold for {@code debounceNanos} before the reported
 * state follows it (contact bounce of a mushroom switch lasts a few milliseconds). {@code activeHigh}
 * says which level means "stopped"; a normally-closed switch wired to ground reads low while released.
 * Called on the base's loop thread with {@link System#nanoTime()} times.
 */
public final class EStop {
    private final boolean activeHigh;
    private final long debounceNanos;
    private boolean reported;
    private boolean candidate;
    private long candidateSince;
    private boolean started;

    public EStop(boolean activeHigh, long debounceNanos) {
        if (debounceNanos < 0) {
            throw new IllegalArgumentException("estop debounce must be >= 0, got " + debounceNanos + " ns");
        }
        this.activeHigh = activeHigh;
        this.debounceNanos = debounceNanos;
    }

    /** Samples the pin level; returns true when the debounced state changed. */
    public boolean sample(boolean high, long nowNanos) {
        boolean pressed = high == activeHigh;
        if (!started) {
            started = true;
            reported = pressed;
            candidate = pressed;
            candidateSince = nowNanos;
            return true;
        }
        if (pressed != candidate) {
            candidate = pressed;
            candidateSince = nowNanos;
        }
        if (candidate != reported && nowNanos - candidateSince >= debounceNanos) {
            reported = candidate;
            return true;
        }
        return false;
    }

    /** True while the e-stop is engaged (debounced). */
    public boolean engaged() {
        return reported;
    }
}
