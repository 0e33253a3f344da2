package dev.myelin.launch.bench;

import dev.myelin.launch.JsonReport;
import dev.myelin.policy.bundle.BundleBenchmark;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./myelin bench bundle}: size, write and verified-read latency of the HalfCheetah-sized PopSAN bundle. */
@Command(name = "bundle", mixinStandardHelpOptions = true,
        description = "Bundle size and signed write / verified read latency per precision (HalfCheetah-sized PopSAN).")
final class BenchBundleCommand implements Callable<Integer> {

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON.")
    Path json;

    @Option(names = "--iterations", defaultValue = "2000", description = "Timed writes and reads per setting (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--warmup", defaultValue = "500", description = "Untimed rounds first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Override
    public Integer call() throws Exception {
        if (iterations <= 0 || warmup < 0) {
            throw new IllegalArgumentException("--iterations must be positive and --warmup >= 0");
        }
        Policy policy = Policy.withDefaults(PopSan.random(17, 6, 10, new int[] {256, 256}, 5, SpikeMode.DETERMINISTIC, 1),
                Map.of("purpose", "benchmark"));
        JsonReport report = new JsonReport();
        System.out.printf(Locale.ROOT, "%-16s %9s %8s %10s %10s %10s %10s%n", "setting", "bytes", "of fp32",
                "write p50", "write p99", "read p50", "read p99");
        for (BundleBenchmark.Figures f : BundleBenchmark.run(policy, BundleBenchmark.DEFAULT_SETTINGS, warmup, iterations)) {
            String label = f.setting().label();
            System.out.printf(Locale.ROOT, "%-16s %9d %7.1f%% %8.0f us %8.0f us %8.0f us %8.0f us%n", label, f.bytes(),
                    100 * f.ratioToFp32(), f.writeP50Us(), f.writeP99Us(), f.readP50Us(), f.readP99Us());
            String key = label.replace('+', '_');
            report.put(key + ".bytes", f.bytes());
            report.put(key + ".ratio_to_fp32", JsonReport.round(f.ratioToFp32(), 4));
            report.put(key + ".write_p50_us", JsonReport.round(f.writeP50Us(), 1));
            report.put(key + ".write_p99_us", JsonReport.round(f.writeP99Us(), 1));
            report.put(key + ".read_p50_us", JsonReport.round(f.readP50Us(), 1));
            report.put(key + ".read_p99_us", JsonReport.round(f.readP99Us(), 1));
        }
        if (json != null) {
            report.write(json);
            System.out.println("wrote " + json);
        }
        return 0;
    }
}
