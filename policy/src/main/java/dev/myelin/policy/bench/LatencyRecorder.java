package dev.myelin.policy.bench;

import java.util.Arrays;

/** Records per-call latencies into a preallocated array and reports percentiles in microseconds. */
public final class LatencyRecorder {
    private final long[] samples;
    private int count;

    public LatencyRecorder(int capacity) {
        samples = new long[capacity];
    }

    public void record(long nanos) {
        if (count < samples.length) {
            samples[count++] = nanos;
        }
    }

    public int count() {
        return count;
    }

    public Summary summary() {
        if (count == 0) {
            throw new IllegalStateException("no samples recorded");
        }
        long[] s = Arrays.copyOf(samples, count);
        Arrays.sort(s);
        return new Summary(count, pct(s, 50), pct(s, 99), pct(s, 99.9), s[s.length - 1] / 1000.0,
                Arrays.stream(s).average().orElse(0) / 1000.0);
    }

    private static double pct(long[] sorted, double p) {
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1000.0;
    }

    /** Latency figures in microseconds. */
    public record Summary(int samples, double p50us, double p99us, double p999us, double maxUs, double meanUs) {
    }
}
