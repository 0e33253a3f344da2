package dev.myelin.ros2.interop;

import dev.myelin.ros2.dds.CycloneConfig;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cyclone's own latency tool as the C-to-C reference: {@code ddsperf pong} and
 * {@code ddsperf ping size S} in two processes on the loopback configuration, waitset-triggered
 * like the Java executor. ddsperf reports one line of statistics per second; the first second
 * (discovery, warm-up) is dropped.
 *
 * <p>ddsperf prints half of each measured round trip (its {@code update_roundtrip} records
 * {@code (tnow - source_timestamp) / 2}, an estimate of one-way latency); {@link Result} doubles
 * the printed figures back into round trips so that they compare with the other pairs.
 */
public final class Ddsperf {
    private static final Pattern STATS = Pattern.compile(
            "size (\\d+) mean ([\\d.]+)us min ([\\d.]+)us 50% ([\\d.]+)us 90% ([\\d.]+)us 99% ([\\d.]+)us max ([\\d.]+)us cnt (\\d+)");

    /** One second of ddsperf's ping statistics as printed: microseconds of half round trip. */
    public record Interval(double mean, double p50, double p90, double p99, double max, long count) {
    }

    /**
     * A run's round-trip figures in microseconds: the median over intervals of each interval's
     * percentile (ddsperf gives percentiles per second, not over the run), the largest maximum,
     * the count-weighted mean; all twice what ddsperf printed.
     */
    public record Result(List<Interval> intervals) {
        public double p50() {
            return 2 * median(intervals.stream().mapToDouble(Interval::p50).toArray());
        }

        public double p99() {
            return 2 * median(intervals.stream().mapToDouble(Interval::p99).toArray());
        }

        public double max() {
            return 2 * intervals.stream().mapToDouble(Interval::max).max().orElse(Double.NaN);
        }

        public double mean() {
            long n = count();
            return 2 * intervals.stream().mapToDouble(i -> i.mean() * i.count()).sum() / n;
        }

        public long count() {
            return intervals.stream().mapToLong(Interval::count).sum();
        }

        private static double median(double[] v) {
            double[] s = v.clone();
            Arrays.sort(s);
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }
    }

    private Ddsperf() {
    }

    /**
     * Runs ping against pong for {@code seconds} with samples of {@code payloadBytes} (ddsperf's
     * KS topic; at least 12).
     *
     * @throws IllegalStateException when ddsperf is missing, fails, or reports nothing
     */
    public static Result pingPong(int domain, int payloadBytes, int seconds) throws IOException, InterruptedException {
        Toolchain.require("ddsperf", "cyclonedds-tools");
        Map<String, String> env = Map.of("CYCLONEDDS_URI", CycloneConfig.loopback());
        String d = Integer.toString(domain);
        try (PeerProcess pong = PeerProcess.start("ddsperf pong", List.of("ddsperf", "-i", d, "pong", "waitset"), env);
             PeerProcess ping = PeerProcess.start("ddsperf ping", List.of("ddsperf", "-i", d, "-D", Integer.toString(seconds + 1),
                     "ping", "size", Integer.toString(Math.max(12, payloadBytes)), "waitset"), env)) {
            int exit = ping.waitFor(Duration.ofSeconds(seconds + 30L));
            List<Interval> intervals = new ArrayList<>();
            for (String line : ping.output()) {
                Matcher m = STATS.matcher(line);
                if (m.find()) {
                    intervals.add(new Interval(Double.parseDouble(m.group(2)), Double.parseDouble(m.group(4)),
                            Double.parseDouble(m.group(5)), Double.parseDouble(m.group(6)), Double.parseDouble(m.group(7)),
                            Long.parseLong(m.group(8))));
                }
            }
            if (intervals.size() < 2) {
                throw new IllegalStateException("ddsperf ping reported " + intervals.size() + " intervals (exit " + exit
                        + "); output: " + String.join("\n", ping.output()) + "\n" + ping.errorOutput() + pong.errorOutput());
            }
            return new Result(List.copyOf(intervals.subList(1, intervals.size())));
        }
    }
}
