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

    @Option(names = "--repeats", defaultValue = "3", paramLabel = "N",
            description = "Phases per side (raw, recorded) and kind, alternated A B B A ...; medians are reported (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--zstd-level", defaultValue = "" + dev.myelin.observe.bag.BagRecorder.Settings.DEFAULT_ZSTD_LEVEL,
            paramLabel = "LEVEL", description = "The recorder's zstd level (default ${DEFAULT-VALUE}).")
    int zstdLevel;

    @Option(names = "--out", defaultValue = "bench-out/bag", paramLabel = "DIR", description = "Where the bags go (default ${DEFAULT-VALUE}).")
    Path out;

    private static double median(java.util.List<BagBenchmark.Phase> phases,
                                 java.util.function.ToDoubleFunction<BagBenchmark.Phase> f) {
        double[] v = phases.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    @Override
    public Integer call() throws Exception {
        if (!(seconds > 0) || repeats < 1) {
            throw new IllegalArgumentException("--seconds must be > 0 and --repeats >= 1, got " + seconds + " and " + repeats);
        }
        Files.createDirectories(out);
        int domain = ThreadLocalRandom.current().nextInt(160, 200);
        JsonReport report = new JsonReport();
        report.put("machine.available_processors", Runtime.getRuntime().availableProcessors());
        report.put("machine.java", Runtime.version().toString());
        report.put("machine.load_average_at_start",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        report.put("zstd_level", zstdLevel);
        report.put("method", "two Cyclone DDS participants in one process over loopback; the publisher sends reliably as fast "
                + "as the receiving side takes or writes (at most " + BagBenchmark.WINDOW + " samples in flight); raw = a raw subscription "
                + "polled by one thread as the recorder polls its readers, that only counts; recorded = the MCAP recorder (CDR as taken, straight into zstd chunks of 1 MiB, level " + zstdLevel + "); "
                + "rates over " + seconds + " s phases including the drain to the file; " + repeats + " phases per side and kind, "
                + "alternated raw, recorded, recorded, raw, ...; medians; drops = published minus recorded, summed");
        try (Context pubCtx = Context.builder().domainId(domain).localhostOnly(true).build();
             Context recCtx = Context.builder().domainId(domain).localhostOnly(true).build()) {
            BagBenchmark bench = new BagBenchmark(pubCtx, recCtx,
                    dev.myelin.observe.bag.BagRecorder.Settings.DEFAULT.zstdLevel(zstdLevel));
            bench.run("small", false, null, 1.0); // warm-up
            bench.run("small", true, out.resolve("warmup.mcap"), 1.0);
            for (String kind : new String[]{"small", "scan"}) {
                java.util.List<BagBenchmark.Phase> raws = new java.util.ArrayList<>();
                java.util.List<BagBenchmark.Phase> recs = new java.util.ArrayList<>();
                for (int i = 0; i < 2 * repeats; i++) {
                    // A B B A A B ...: a drift of the machine's load weighs on both sides alike
                    boolean recorded = ((i + 1) / 2) % 2 == 1;
                    BagBenchmark.Phase ph = recorded ? bench.run(kind, true, out.resolve(kind + ".mcap"), seconds)
                            : bench.run(kind, false, null, seconds);
                    (recorded ? recs : raws).add(ph);
                    System.out.printf(Locale.ROOT, "  %-5s %-8s %9.0f msgs/s %7.1f MB/s %9.0f msgs/CPU-s%s%n", kind,
                            recorded ? "recorded" : "raw", ph.messagesPerSecond(), ph.megabytesPerSecond(),
                            ph.messagesPerCpuSecond(), recorded ? String.format(Locale.ROOT,
                                    ", %d drops, file %.1f MB", ph.drops(), ph.fileBytes() / 1e6) : "");
                }
                double rawRate = median(raws, BagBenchmark.Phase::messagesPerSecond);
                double recRate = median(recs, BagBenchmark.Phase::messagesPerSecond);
                double rawMb = median(raws, BagBenchmark.Phase::megabytesPerSecond);
                double recMb = median(recs, BagBenchmark.Phase::megabytesPerSecond);
                long drops = recs.stream().mapToLong(BagBenchmark.Phase::drops).sum();
                BagBenchmark.Phase last = recs.getLast();
                double rawCpuRate = median(raws, BagBenchmark.Phase::messagesPerCpuSecond);
                double recCpuRate = median(recs, BagBenchmark.Phase::messagesPerCpuSecond);
                double[] pairRatios = new double[repeats];
                for (int i = 0; i < repeats; i++) {
                    pairRatios[i] = recs.get(i).messagesPerSecond() / raws.get(i).messagesPerSecond();
                }
                System.out.printf(Locale.ROOT, "%-5s medians of %d phases each: raw take %9.0f msgs/s %7.1f MB/s | recorded %9.0f msgs/s "
                                + "%7.1f MB/s, %d drops in all, file %.2fx of payload | recorded/raw %.2f (per pair %s)%n", kind, repeats,
                        rawRate, rawMb, recRate, recMb, drops, last.fileBytes() / (double) Math.max(1, last.payloadBytes()),
                        recRate / rawRate, java.util.Arrays.toString(java.util.Arrays.stream(pairRatios)
                                .map(r -> JsonReport.round(r, 2)).toArray()));
                System.out.printf(Locale.ROOT, "%-5s per CPU-second of the receiving thread: raw take %9.0f msgs, recorded %9.0f msgs, "
                        + "recorded/raw %.2f%n", kind, rawCpuRate, recCpuRate, recCpuRate / rawCpuRate);
                report.put(kind + ".msgs_per_s", Math.round(recRate));
                report.put(kind + ".mb_per_s", JsonReport.round(recMb, 2));
                report.put(kind + ".drops", drops);
                report.put(kind + ".published", recs.stream().mapToLong(BagBenchmark.Phase::published).sum());
                report.put(kind + ".file_bytes", last.fileBytes());
                report.put(kind + ".recorded_over_raw", JsonReport.round(recRate / rawRate, 3));
                report.put(kind + ".recorded_over_raw_per_pair", java.util.Arrays.toString(java.util.Arrays.stream(pairRatios)
                        .map(r -> JsonReport.round(r, 3)).toArray()));
                report.put(kind + ".phases_per_side", repeats);
                report.put(kind + ".msgs_per_cpu_s", Math.round(recCpuRate));
                report.put("raw." + kind + ".msgs_per_cpu_s", Math.round(rawCpuRate));
                report.put(kind + ".recorded_over_raw_per_cpu_s", JsonReport.round(recCpuRate / rawCpuRate, 3));
                report.put("raw." + kind + ".msgs_per_s", Math.round(rawRate));
                report.put("raw." + kind + ".mb_per_s", JsonReport.round(rawMb, 2));
                report.put("raw." + kind + ".drops", raws.stream().mapToLong(BagBenchmark.Phase::drops).sum());
            }
        }
        if (json != null) {
            report.write(json);
            System.out.println("wrote " + json);
        }
        return 0;
    }
}
