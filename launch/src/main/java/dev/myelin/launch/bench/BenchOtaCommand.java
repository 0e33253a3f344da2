package dev.myelin.launch.bench;

import dev.myelin.bridge.bench.OtaScaleBenchmark;
import dev.myelin.launch.JsonReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code ./myelin bench ota}: a fleet of simulated robots in this process, each with its own update agent,
 * MQTT connection and A/B slots, receiving one signed release (1 MiB by default) through the embedded
 * broker; reports how long until every robot verified, activated and committed it.
 */
@Command(name = "ota", mixinStandardHelpOptions = true,
        description = "Over-the-air release to a fleet of simulated robots through the embedded broker.")
final class BenchOtaCommand implements Callable<Integer> {

    /** Held so the level set here stays set (java.util.logging keeps loggers weakly). */
    private static final Logger BRIDGE_LOG = Logger.getLogger("dev.myelin.bridge");

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON.")
    Path json;

    @Option(names = "--robots", defaultValue = "200", description = "Simulated robots (default ${DEFAULT-VALUE}).")
    int robots;

    @Option(names = "--release-bytes", defaultValue = "1048576", description = "Smallest release bundle size (default ${DEFAULT-VALUE}).")
    int releaseBytes;

    @Option(names = "--chunk-bytes", defaultValue = "65536", description = "Chunk size (default ${DEFAULT-VALUE}).")
    int chunkBytes;

    @Option(names = "--health-check-s", defaultValue = "1", description = "Health check per robot, seconds (default ${DEFAULT-VALUE}).")
    double healthCheckSeconds;

    @Option(names = "--tick-ms", defaultValue = "500", description = "Control period of each simulated robot (default ${DEFAULT-VALUE}).")
    int tickMs;

    @Option(names = "--timeout-s", defaultValue = "600", description = "Give up after this many seconds (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        BRIDGE_LOG.setLevel(Level.WARNING); // 200 agents' progress lines would drown the figures
        OtaScaleBenchmark.Result r = OtaScaleBenchmark.run(new OtaScaleBenchmark.Options().robots(robots)
                .releaseBytes(releaseBytes).chunkBytes(chunkBytes)
                .healthCheck(Duration.ofMillis(Math.round(healthCheckSeconds * 1000))).tick(Duration.ofMillis(tickMs))
                .timeout(Duration.ofSeconds(timeoutSeconds)).log(s -> System.out.println("bench ota: " + s)));
        System.out.printf(Locale.ROOT, "%d robots, release %d bytes in %d chunks of %d, health check %.1f s%n", r.robots(),
                r.releaseBytes(), r.chunks(), r.chunkBytes(), r.healthCheckSeconds());
        System.out.printf(Locale.ROOT, "%-10s %8s %8s %8s %8s %8s%n", "seconds", "p50", "p90", "p99", "all", "robots");
        row("verified", r.verifiedSeconds(), r.robots());
        row("activated", r.activatedSeconds(), r.robots());
        row("committed", r.committedSeconds(), r.robots());
        row("reported", r.reportedSeconds(), r.robots());
        System.out.printf(Locale.ROOT, "chunks received %d (of %d), re-requests %d%n", r.chunksReceived(),
                (long) r.robots() * r.chunks(), r.chunkRequests());
        System.out.printf(Locale.ROOT, "failures: %d%s%n", r.failures(), r.failures() == 0 ? ""
                : " " + r.failureReasons().entrySet().stream().limit(5).map(e -> e.getKey() + " " + e.getValue()).toList());

        JsonReport report = new JsonReport();
        report.put("robots", r.robots());
        report.put("release_bytes", r.releaseBytes());
        report.put("all_active_s", round(r.allActiveSeconds()));
        report.put("failures", r.failures());
        report.put("all_committed_s", round(r.allCommittedSeconds()));
        report.put("chunks", r.chunks());
        report.put("chunk_bytes", r.chunkBytes());
        report.put("health_check_s", r.healthCheckSeconds());
        report.put("tick_ms", tickMs);
        report.put("fleet_up_s", round(r.fleetUpSeconds()));
        report.put("chunks_received", r.chunksReceived());
        report.put("chunk_requests", r.chunkRequests());
        put(report, "verified_s", r.verifiedSeconds());
        put(report, "activated_s", r.activatedSeconds());
        put(report, "committed_s", r.committedSeconds());
        put(report, "commit_reported_s", r.reportedSeconds());
        report.put("broker", "HiveMQ CE embedded, in-memory persistence, 127.0.0.1");
        if (!r.failureReasons().isEmpty()) {
            report.put("failure_reasons", Map.copyOf(r.failureReasons()));
        }
        if (json != null) {
            report.write(json);
            System.out.println("wrote " + json);
        }
        return r.failures() == 0 ? 0 : 1;
    }

    private static Object round(double x) {
        return Double.isNaN(x) ? null : JsonReport.round(x, 2);
    }

    private static void row(String name, double[] s, int robots) {
        System.out.printf(Locale.ROOT, "%-10s %8.2f %8.2f %8.2f %8.2f %8d%n", name, OtaScaleBenchmark.Result.percentile(s, 50),
                OtaScaleBenchmark.Result.percentile(s, 90), OtaScaleBenchmark.Result.percentile(s, 99),
                s.length == robots ? s[s.length - 1] : Double.NaN, s.length);
    }

    private static void put(JsonReport report, String key, double[] s) {
        report.put(key + ".p50", round(OtaScaleBenchmark.Result.percentile(s, 50)));
        report.put(key + ".p90", round(OtaScaleBenchmark.Result.percentile(s, 90)));
        report.put(key + ".p99", round(OtaScaleBenchmark.Result.percentile(s, 99)));
        report.put(key + ".max", round(OtaScaleBenchmark.Result.percentile(s, 100)));
        report.put(key + ".count", s.length);
    }
}
