package dev.myelin.controller.safety;

import dev.myelin.controller.config.ActionOutput;

import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Sits between the policy and the outputs. Per tick the loop either {@link #hold}s the outputs at
 * the safe command (stale input, non-finite observation, e-stop, no policy, inactive) or
 * {@link #pass}es the policy's proposal, which is checked for NaN/Inf, clamped to the limits and
 * rate-limited ({@code |u_t - u_{t-1}| <= rate * period}). The safe command bypasses rate limits:
 * stopping is never slowed down. Every intervention is counted by cause.
 *
 * <p>Decisions happen on the loop thread only; {@link #count} may be read from any thread.
 */
public final class SafetyGate {
    private final int size;
    private final float[] min;
    private final float[] max;
    private final float[] maxStep;
    private final float[] safe;
    private final float[] last;
    private final AtomicLongArray counts = new AtomicLongArray(Intervention.values().length);
    private final java.util.concurrent.atomic.AtomicLong holds = new java.util.concurrent.atomic.AtomicLong();
    private Intervention lastAdjustment;

    /** @param periodSeconds control period, to turn rate limits (units/s) into per-tick steps */
    public SafetyGate(List<ActionOutput> outputs, double periodSeconds) {
        size = outputs.size();
        min = new float[size];
        max = new float[size];
        maxStep = new float[size];
        safe = new float[size];
        last = new float[size];
        for (int i = 0; i < size; i++) {
            ActionOutput o = outputs.get(i);
            min[i] = (float) o.min();
            max[i] = (float) o.max();
            maxStep[i] = o.rateLimit() > 0 ? (float) (o.rateLimit() * periodSeconds) : Float.POSITIVE_INFINITY;
            safe[i] = (float) o.safe();
            last[i] = safe[i]; // start-up in the safe state: rate limits ramp away from it
        }
    }

    /** Limits, rate steps and safe values prepared off the loop, for {@link #adopt}. */
    public record Limits(float[] min, float[] max, float[] maxStep, float[] safe) {
        /** The limits of {@code outputs} at control period {@code periodSeconds}. */
        public static Limits of(List<ActionOutput> outputs, double periodSeconds) {
            SafetyGate g = new SafetyGate(outputs, periodSeconds);
            return new Limits(g.min, g.max, g.maxStep, g.safe);
        }
    }

    /**
     * Takes new limits (same channels) from the next decision on; counters and the last command
     * stay. Loop thread; allocation-free.
     */
    public void adopt(Limits limits) {
        if (limits.min().length != size) {
            throw new IllegalArgumentException("limits for " + limits.min().length + " channels, gate has " + size);
        }
        System.arraycopy(limits.min(), 0, min, 0, size);
        System.arraycopy(limits.max(), 0, max, 0, size);
        System.arraycopy(limits.maxStep(), 0, maxStep, 0, size);
        System.arraycopy(limits.safe(), 0, safe, 0, size);
    }

    /** The upper limit of a channel now in force (output order). */
    public float max(int channel) {
        return max[channel];
    }

    /** Writes the safe command into {@code command}; counts {@code cause} unless null. Loop thread. */
    public void hold(Intervention cause, float[] command) {
        if (cause != null) {
            increment(cause);
            holds.lazySet(holds.get() + 1);
        }
        for (int i = 0; i < size; i++) {
            command[i] = safe[i];
            last[i] = safe[i];
        }
    }

    /**
     * True when every value is finite; otherwise counts {@link Intervention#NON_FINITE_OBSERVATION}.
     * Loop thread.
     */
    public boolean admitObservation(float[] observation, int n) {
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(observation[i])) {
                increment(Intervention.NON_FINITE_OBSERVATION);
                holds.lazySet(holds.get() + 1);
                return false;
            }
        }
        return true;
    }

    /**
     * Turns the policy's proposal (output order) into the command to publish. Loop thread.
     *
     * @return false when the proposal was not finite and the safe command was written instead
     */
    public boolean pass(float[] proposal, float[] command) {
        for (int i = 0; i < size; i++) {
            if (!Float.isFinite(proposal[i])) {
                hold(Intervention.NON_FINITE_ACTION, command);
                return false;
            }
        }
        boolean clamped = false;
        boolean limited = false;
        for (int i = 0; i < size; i++) {
            float u = proposal[i];
            if (u < min[i]) {
                u = min[i];
                clamped = true;
            } else if (u > max[i]) {
                u = max[i];
                clamped = true;
            }
            float step = u - last[i];
            if (step > maxStep[i]) {
                u = last[i] + maxStep[i];
                limited = true;
            } else if (step < -maxStep[i]) {
                u = last[i] - maxStep[i];
                limited = true;
            }
            command[i] = u;
            last[i] = u;
        }
        if (clamped) {
            increment(Intervention.CLAMP);
        }
        if (limited) {
            increment(Intervention.RATE_LIMIT);
        }
        lastAdjustment = clamped ? Intervention.CLAMP : limited ? Intervention.RATE_LIMIT : null;
        return true;
    }

    /** What the last {@link #pass} changed: {@link Intervention#CLAMP}, {@link Intervention#RATE_LIMIT} or null. Loop thread. */
    public Intervention lastAdjustment() {
        return lastAdjustment;
    }

    /** Ticks on which {@code cause} intervened so far. Any thread. */
    public long count(Intervention cause) {
        return counts.get(cause.ordinal());
    }

    /**
     * Ticks on which an intervention replaced the command with the safe one (every cause but clamps
     * and rate limits; holding while inactive is not an intervention). Any thread.
     */
    public long safeHolds() {
        return holds.get();
    }

    private void increment(Intervention cause) {
        int i = cause.ordinal();
        counts.lazySet(i, counts.get(i) + 1); // single writer: the loop thread
    }
}
