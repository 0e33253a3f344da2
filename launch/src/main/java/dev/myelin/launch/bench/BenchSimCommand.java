package dev.myelin.launch.bench;

import dev.myelin.launch.JsonReport;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.bench.SimBenchmark;
import dev.myelin.sim.bench.SimBenchmark.Figure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ./myelin bench sim}: environment steps per second of {@code pendulum} and
 * {@code diffdrive-nav} (64 beams) through the vector env, on one thread and on all cores, plus the
 * single-env API on one thread. Each figure is the median over timed trials after a warm-up, with
 * the 10th and 90th percentiles and the extremes. The measuring is {@link SimBenchmark}'s; this command prints
 * and records it.
 */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = "Simulation throughput: env steps/s for pendulum and diffdrive-nav (64 beams), one thread and all cores.")
final class BenchSimCommand implements Callable<Integer> {

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON.")
    Path json;

    @Option(names = "--trials", defaultValue = "7", description = "Timed trials per figure (default ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--trial-seconds", defaultValue = "0.5", description = "Length of one trial (default ${DEFAULT-VALUE} s).")
    double trialSeconds;

    @Option(names = "--warmup-seconds", defaultValue = "2", description = "Untimed stepping first (default ${DEFAULT-VALUE} s).")
    double warmupSeconds;

    @Option(names = "--threads", description = "Threads for the all-cores figure (default: available processors).")
    Integer threads;

    @Option(names = "--pendulum-worlds", defaultValue = "4096", description = "Worlds per pendulum batch (default ${DEFAULT-VALUE}).")
    int pendulumWorlds;

    @Option(names = "--diffdrive-worlds", defaultValue = "512", description = "Worlds per diffdrive-nav batch (default ${DEFAULT-VALUE}).")
    int diffdriveWorlds;

    @Option(names = "--beams", defaultValue = "64", description = "Lidar beams of diffdrive-nav (default ${DEFAULT-VALUE}).")
    int beams;

    @Override
    public Integer call() throws Exception {
        if (trials < 1 || !(trialSeconds > 0) || !(warmupSeconds >= 0) || pendulumWorlds < 1 || diffdriveWorlds < 1) {
            throw new IllegalArgumentException("--trials, --trial-seconds and the world counts must be positive, --warmup-seconds >= 0");
        }
        int all = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (all < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + all);
        }
        JsonReport report = new JsonReport();
        report.put("machine.available_processors", Runtime.getRuntime().availableProcessors());
        report.put("machine.java", Runtime.version().toString());
        report.put("method", String.format(Locale.ROOT, "median of %d interleaved trials of %.2f s after %.1f s warm-up; "
                + "steps = agent-steps incl. auto-resets; random actions", trials, trialSeconds, warmupSeconds));
        System.out.printf(Locale.ROOT, "%d trials x %.2f s after %.1f s warm-up; %d available processors; figures "
                + "are env steps/s (median, p10-p90, min-max)%n", trials, trialSeconds, warmupSeconds,
                Runtime.getRuntime().availableProcessors());

        run(report, "pendulum", TaskSpec.of("pendulum"), pendulumWorlds, all);
        run(report, "diffdrive", TaskSpec.of("diffdrive-nav").withOption("beams", beams), diffdriveWorlds, all);
        if (json != null) {
            report.write(json);
            System.out.println("wrote " + json);
        }
        return 0;
    }

    private void run(JsonReport report, String key, TaskSpec spec, int worlds, int all) {
        SimBenchmark.Result r = SimBenchmark.measure(spec, worlds, all,
                new SimBenchmark.Timing(trials, trialSeconds, warmupSeconds));
        Figure single = r.envApi();
        Figure one = r.oneThread();
        Figure many = r.threads();
        double scaling = r.scaling();
        print(spec + ", Env API", 1, single);
        print(spec + ", " + worlds + " worlds", 1, one);
        System.out.printf(Locale.ROOT, "  per CPU-second of the stepping thread: vector %.3f M, Env API %.3f M%n",
                one.cpuMedian() / 1e6, single.cpuMedian() / 1e6);
        print(spec + ", " + worlds + " worlds", all, many);
        System.out.printf(Locale.ROOT, "  scaling 1 -> %d threads: %.2fx (median of paired trials)%n", all, scaling);
        report.put(key + ".task", spec.toString());
        report.put(key + ".worlds", worlds);
        report.put(key + ".threads_all", all);
        report.put(key + ".steps_per_s_1t", Math.round(one.median()));
        report.put(key + ".steps_per_s_all", Math.round(many.median()));
        report.put(key + ".scaling", JsonReport.round(scaling, 3));
        report.put(key + ".env_api_steps_per_s_1t", Math.round(single.median()));
        report.put(key + ".cpu_steps_per_s_1t", Math.round(one.cpuMedian()));
        report.put(key + ".env_api_cpu_steps_per_s_1t", Math.round(single.cpuMedian()));
        put(report, key + ".detail_1t", one);
        put(report, key + ".detail_all", many);
        put(report, key + ".detail_env_api", single);
    }

    private static void put(JsonReport report, String prefix, Figure f) {
        report.put(prefix + ".median", Math.round(f.median()));
        report.put(prefix + ".p10", Math.round(f.percentile(0.1)));
        report.put(prefix + ".p90", Math.round(f.percentile(0.9)));
        report.put(prefix + ".min", Math.round(f.percentile(0)));
        report.put(prefix + ".max", Math.round(f.percentile(1)));
        report.put(prefix + ".trials", Arrays.stream(f.trials()).map(Math::round).toArray());
    }

    private static void print(String what, int threads, Figure f) {
        System.out.printf(Locale.ROOT, "%-46s %2d thread%s %8.3f M  (p10 %.3f, p90 %.3f; %.3f-%.3f)%n", what, threads,
                threads == 1 ? " " : "s", f.median() / 1e6, f.percentile(0.1) / 1e6, f.percentile(0.9) / 1e6,
                f.percentile(0) / 1e6, f.percentile(1) / 1e6);
    }
}
