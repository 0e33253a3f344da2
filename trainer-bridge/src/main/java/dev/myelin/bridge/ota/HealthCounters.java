package dev.myelin.bridge.ota;

/**
 * Monotonic counters of a control loop, read as one snapshot: ticks run, safety interventions (the safety
 * gate overrode the policy's command), NaN actions (the policy produced a non-finite action, which was not
 * sent), deadline misses (a decision took longer than its budget). Differences of two snapshots give the
 * counts over an interval, which is what a health check judges. Immutable.
 */
public record HealthCounters(long ticks, long safetyInterventions, long nanActions, long deadlineMisses) {

    public static final HealthCounters ZERO = new HealthCounters(0, 0, 0, 0);

    /** Counts between {@code earlier} and this snapshot. */
    public HealthCounters since(HealthCounters earlier) {
        return new HealthCounters(ticks - earlier.ticks, safetyInterventions - earlier.safetyInterventions,
                nanActions - earlier.nanActions, deadlineMisses - earlier.deadlineMisses);
    }

    /** No safety intervention, NaN action or deadline miss. */
    public boolean clean() {
        return safetyInterventions == 0 && nanActions == 0 && deadlineMisses == 0;
    }

    /** What went wrong, in words, or "" when clean. */
    public String problems() {
        StringBuilder s = new StringBuilder();
        if (safetyInterventions > 0) {
            s.append(safetyInterventions).append(" safety interventions");
        }
        if (nanActions > 0) {
            s.append(s.isEmpty() ? "" : ", ").append(nanActions).append(" NaN actions");
        }
        if (deadlineMisses > 0) {
            s.append(s.isEmpty() ? "" : ", ").append(deadlineMisses).append(" deadline misses");
        }
        return s.toString();
    }
}
