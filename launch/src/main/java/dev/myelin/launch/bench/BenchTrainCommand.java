package dev.myelin.launch.bench;

import dev.myelin.launch.JsonReport;
import dev.myelin.trainer.bench.TrainBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./myelin bench train}: the cost of one TD3 update in SpikeRL/PopSAN's HalfCheetah configuration
 * (batch 100, obs 17, act 6, PopSAN 256-256, T 5, population 10; critic every update, actor every second)
 * on the fused CPU kernels, against a DJL matMul peak measured in the same run; DJL autograd on the same
 * actor for comparison; and environment steps per second on {@code pendulum} with updates on, with one
 * and two MPI ranks. The measuring is {@link TrainBenchmark}'s; this command prints and records it.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "TD3 update cost (HalfCheetah-sized PopSAN), DJL GEMM peak, and 1- vs 2-rank MPI throughput on pendulum.")
final class BenchTrainCommand implements Callable<Integer> {

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON.")
    Path json;

    @Option(names = "--updates", defaultValue = "600", description = "Timed updates (default ${DEFAULT-VALUE}).")
    int updates;

    @Option(names = "--warmup", defaultValue = "300", description = "Untimed updates first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--precision", defaultValue = "fp32", description = "Update precision: fp32, fp16, bf16 (default ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--mpi-steps", defaultValue = "3000",
            description = "Environment steps per rank of each pendulum MPI run, 0 to skip (default ${DEFAULT-VALUE}).")
    int mpiSteps;

    @Option(names = "--parts", defaultValue = "update,djl,mpi", split = ",",
            description = "Which figures to measure: update (with the DJL GEMM peak), djl, mpi (default ${DEFAULT-VALUE}).")
    List<String> parts = new ArrayList<>();

    @Option(names = "--threads", description = "Threads of the multi-threaded update figure (default: all cores).")
    Integer threads;

    @Option(names = "--djl-iterations", defaultValue = "20", description = "Timed DJL autograd actor passes (default ${DEFAULT-VALUE}).")
    int djlIterations;

    @Override
    public Integer call() throws Exception {
        if (updates < 1 || warmup < 0 || mpiSteps < 0 || djlIterations < 1) {
            throw new IllegalArgumentException("--updates and --djl-iterations must be positive, --warmup and --mpi-steps >= 0");
        }
        JsonReport report = new JsonReport();
        double load0 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int cores = Runtime.getRuntime().availableProcessors();
        report.put("machine.cores", cores);
        report.put("machine.load_average_at_start", JsonReport.round(load0, 2));

        for (String part : parts) {
            if (!List.of("update", "djl", "mpi").contains(part)) {
                throw new IllegalArgumentException("--parts: unknown part '" + part + "' (known: update, djl, mpi)");
            }
        }
        if (parts.contains("update")) {
            measureUpdates(report, cores);
        }
        if (parts.contains("djl")) {
            djlVersusFused(report);
        }
        if (parts.contains("mpi") && mpiSteps > 0) {
            double r1 = mpiRun(1, mpiSteps, report);
            double r2 = mpiRun(2, mpiSteps, report);
            report.put("mpi.ranks1_env_steps_per_s", JsonReport.round(r1, 1));
            report.put("mpi.ranks2_env_steps_per_s", JsonReport.round(r2, 1));
            report.put("mpi.speedup", JsonReport.round(r2 / r1, 2));
            System.out.printf(Locale.ROOT, "pendulum with updates (PopSAN 256-256, 1 update per step): 1 rank %.1f env steps/s, "
                    + "2 ranks %.1f env steps/s (%.2fx)%n", r1, r2, r2 / r1);
        }
        report.put("gpu", "not measured: this machine has no GPU (the fused kernels are CPU-only; the DJL reference graph "
                + "runs on any DJL device)");
        double load1 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        report.put("machine.load_average_at_end", JsonReport.round(load1, 2));
        System.out.printf(Locale.ROOT, "system load average %.2f at start, %.2f at end (%d cores)%n", load0, load1, cores);
        if (json != null) {
            report.write(json);
            System.out.println("wrote " + json);
        }
        return 0;
    }

    /** Update timings on one thread and on every core, the DJL GEMM peak, and the achieved fraction of it. */
    private void measureUpdates(JsonReport report, int cores) throws Exception {
        // ---- one TD3 update, on one thread and on every core ----
        System.out.printf(Locale.ROOT, "TD3 update, HalfCheetah-sized PopSAN (obs 17, act 6, pop 10, 256-256, T 5), twin "
                + "critics 256-256, batch 100, %s; %d warm-up + %d timed updates%n", precision, warmup, updates);
        int all = threads != null ? threads : cores;
        double flops = 0;
        double meanMs = Double.NaN;
        for (int t : all > 1 ? new int[] {1, all} : new int[] {1}) {
            TrainBenchmark.UpdateTiming u = TrainBenchmark.timeUpdates(precision, t, warmup, updates);
            flops = u.flops();
            String key = t == all ? "" : "threads1.";
            report.put(key + "update_ms", JsonReport.round(u.meanMs(), 3));
            report.put(key + "update_ms_p50", JsonReport.round(u.p50Ms(), 3));
            report.put(key + "update_ms_p90", JsonReport.round(u.p90Ms(), 3));
            report.put(key + "update_ms_p99", JsonReport.round(u.p99Ms(), 3));
            report.put(key + "update_pair_ms_p50", JsonReport.round(u.pairP50Ms(), 3));
            report.put(key + "update_cpu_ms", JsonReport.round(u.cpuMeanMs(), 3));
            report.put(key + "updates_per_s", JsonReport.round(u.updatesPerSecond(), 1));
            report.put(key + "achieved_gflops", JsonReport.round(u.achievedGflops(), 2));
            report.put(key + "threads", t);
            System.out.printf(Locale.ROOT, "%d thread%s: update mean %.2f ms (p50 %.2f, p90 %.2f, p99 %.2f; critic+actor pair "
                            + "p50 %.2f ms), %.0f updates/s, %.1f GFLOP/s%n", t, t > 1 ? "s" : "", u.meanMs(), u.p50Ms(),
                    u.p90Ms(), u.p99Ms(), u.pairP50Ms(), u.updatesPerSecond(), u.achievedGflops());
            if (t == all) {
                meanMs = u.meanMs();
            }
        }
        double achieved = flops / (meanMs * 1e-3) / 1e9;
        report.put("flops_per_update", (long) flops);
        report.put("precision", precision);
        System.out.printf(Locale.ROOT, "%.1f MFLOP per update (dense-equivalent count; the spiking layers' event-driven "
                + "products execute fewer)%n", flops / 1e6);

        // ---- GEMM peaks ----
        double djlPeak = 0;
        for (Map.Entry<String, Double> g : TrainBenchmark.djlGemm().entrySet()) {
            report.put("gemm." + g.getKey() + "_gflops", JsonReport.round(g.getValue(), 2));
            djlPeak = Math.max(djlPeak, g.getValue());
        }
        double javaPeak = TrainBenchmark.fusedGemm();
        report.put("gemm_gflops", JsonReport.round(djlPeak, 2));
        report.put("achieved_gflops", JsonReport.round(achieved, 2));
        report.put("java_gemm_gflops_one_thread", JsonReport.round(javaPeak, 2));
        report.put("achieved_fraction_of_gemm", JsonReport.round(achieved / djlPeak, 3));
        System.out.printf(Locale.ROOT, "DJL matMul peak %.1f GFLOP/s (PyTorch, all cores); fused-kernel GEMM %.1f GFLOP/s on one "
                + "thread; the %d-thread update achieves %.1f GFLOP/s, %.0f%% of the DJL peak%n", djlPeak, javaPeak, all, achieved,
                100 * achieved / djlPeak);
    }

    private void djlVersusFused(JsonReport report) {
        TrainBenchmark.ActorPass pass = TrainBenchmark.actorPass(djlIterations);
        double f = pass.fusedMsP50();
        double d = pass.djlMsP50();
        report.put("actor_forward_backward.fused_ms_p50", JsonReport.round(f, 3));
        report.put("actor_forward_backward.djl_autograd_ms_p50", JsonReport.round(d, 3));
        report.put("actor_forward_backward.spikes_per_pass", pass.spikesPerPass());
        System.out.printf(Locale.ROOT, "actor forward+backward, batch 100: fused kernels %.2f ms, DJL autograd graph %.2f ms "
                + "(p50; %.0fx)%n", f, d, d / f);
    }

    /** Total environment steps/s of a pendulum run on {@code ranks} MPI ranks (sum over ranks). */
    private static double mpiRun(int ranks, int steps, JsonReport report) throws Exception {
        TrainBenchmark.MpiThroughput run = TrainBenchmark.mpiRun(ranks, steps);
        run.perRank().forEach((rank, r) ->
                report.put("mpi.ranks" + ranks + ".rank" + rank + "_env_steps_per_s", JsonReport.round(r, 1)));
        return run.total();
    }
}
