package dev.myelin.launch.bench;

import dev.myelin.launch.JsonReport;
import dev.myelin.observe.bag.BagBenchmark;
import dev.myelin.ros2.Context;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code ./myelin bench bag}: MCAP recording throughput for small messages (Twist) and LaserScans
 * (360 ranges) against the raw Cyclone take rate of the same messages in the same run.
 */
@Command(name = "bag", mixinStandardHelpOptions = true,
        description = "MCAP recording throughput (Twist, LaserScan with 360 ranges) next to the raw Cyclone take rate.")
final class BenchBagCommand implements Callable<Integer> {
    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON.")
    Path json;

    @Option(names = "--seconds", defaultValue = "5", description = "Length of each phase (default ${DEFAULT-VALUE} s).")
    double seconds;

    @Option(names = "--out", defaultValue = "bench-out/bag", paramLabel = "DIR", description = "Where the bags go (default ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("--seconds must be > 0, got " + seconds);
        }
        Files.createDirectories(out);
        int domain = ThreadLocalRandom.current().nextInt(160, 200);
        JsonReport report = new JsonReport();
        report.put("machine.available_processors", Runtime.getRuntime().availableProcessors());
        report.put("machine.java", Runtime.version().toString());
        report.put("machine.load_average_at_start",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        report.put("method", "two Cyclone DDS participants in one process over loopback; the publisher sends reliably as fast "
                + "as the receiving side takes or writes (at most " + BagBenchmark.WINDOW + " samples in flight); raw = a raw subscription "
                + "that only counts; recorded = the MCAP recorder (CDR as received, ring, zstd-1 chunks of 1 MiB); "
                + "rates over " + seconds + " s phases including the drain; drops = published minus recorded");
        try (Context pubCtx = Context.builder().domainId(domain).localhostOnly(true).build();
             Context recCtx = Context.builder().domainId(domain).localhostOnly(true).build()) {
            BagBenchmark bench = new BagBenchmark(pubCtx, recCtx);
            bench.run("small", false, null, 1.0); // warm-up
            bench.run("small", true, out.resolve("warmup.mcap"), 1.0);
            for (String kind : new String[]{"small", "scan"}) {
                BagBenchmark.Phase raw = bench.run(kind, false, null, seconds);
                BagBenchmark.Phase rec = bench.run(kind, true, out.resolve(kind + ".mcap"), seconds);
                System.out.printf(Locale.ROOT, "%-5s raw take: %9.0f msgs/s %7.1f MB/s | recorded: %9.0f msgs/s %7.1f MB/s, "
                                + "%d drops, file %.1f MB (%.2fx of payload) | recorded/raw %.2f%n", kind,
                        raw.messagesPerSecond(), raw.megabytesPerSecond(), rec.messagesPerSecond(), rec.megabytesPerSecond(),
                        rec.drops(), rec.fileBytes() / 1e6, rec.fileBytes() / (double) Math.max(1, rec.payloadBytes()),
                        rec.messagesPerSecond() / raw.messagesPerSecond());
                report.put(kind + ".msgs_per_s", Math.round(rec.messagesPerSecond()));
                report.put(kind + ".mb_per_s", JsonReport.round(rec.megabytesPerSecond(), 2));
                report.put(kind + ".drops", rec.drops());
                report.put(kind + ".published", rec.published());
                report.put(kind + ".file_bytes", rec.fileBytes());
                report.put(kind + ".recorded_over_raw", JsonReport.round(rec.messagesPerSecond() / raw.messagesPerSecond(), 3));
                report.put("raw." + kind + ".msgs_per_s", Math.round(raw.messagesPerSecond()));
                report.put("raw." + kind + ".mb_per_s", JsonReport.round(raw.megabytesPerSecond(), 2));
                report.put("raw." + kind + ".drops", raw.drops());
            }
        }
        if (json != null) {
            report.write(json);
            System.out.println("wrote " + json);
        }
        return 0;
    }
}
