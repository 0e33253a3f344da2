package dev.myelin.bridge.ota;

/**
 * One candidate on trial: switched in at {@link #started}, then judged on the counters since the switch,
 * first once it has run for a whole poll interval (so a verdict never rests on a tick or two read at an
 * arbitrary phase of the poll, and a rollback report shows every kind of problem those ticks had). It fails
 * on the first safety intervention, NaN action or deadline miss; it passes once the health check's duration
 * has passed and the candidate ran at least the minimum number of ticks. Agent thread only.
 */
final class HealthTrial {

    /** What the counters so far say. */
    enum Verdict { WAIT, COMMIT, ROLL_BACK }

    final OtaState.SlotRecord record;
    final ActivationTarget.Prepared prepared;
    final long healthMillis;
    private HealthCounters baseline;
    private long startNanos;

    HealthTrial(OtaState.SlotRecord record, ActivationTarget.Prepared prepared, long healthMillis) {
        this.record = record;
        this.prepared = prepared;
        this.healthMillis = healthMillis;
    }

    /** The switch happened; {@code base} holds the counters at the switch. */
    void started(HealthCounters base) {
        baseline = base;
        startNanos = System.nanoTime();
    }

    /** Whether the candidate runs (the switch completed). */
    boolean running() {
        return baseline != null;
    }

    /** The counters since the switch; zero before it. */
    HealthCounters since(HealthCounters now) {
        return baseline == null ? HealthCounters.ZERO : now.since(baseline);
    }

    Verdict judge(HealthCounters delta, long minTicks, long pollNanos) {
        if (System.nanoTime() - startNanos < pollNanos) {
            return Verdict.WAIT;
        }
        if (!delta.clean()) {
            return Verdict.ROLL_BACK;
        }
        if ((System.nanoTime() - startNanos) / 1_000_000 >= healthMillis && delta.ticks() >= minTicks) {
            return Verdict.COMMIT;
        }
        return Verdict.WAIT;
    }
}
