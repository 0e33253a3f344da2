package dev.myelin.launch;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.myelin.trainer.djl.DjlPopSanGraph;
import dev.myelin.trainer.kernel.Gemm;
import dev.myelin.trainer.kernel.Rounding;
import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.PopSanActor;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.nn.Surrogate;
import dev.myelin.trainer.rl.Learner;
import dev.myelin.trainer.rl.ReplayBuffer;
import dev.myelin.trainer.rl.RunningNormalizer;
import dev.myelin.trainer.rl.Td3;
import dev.myelin.trainer.run.TrainConfig;
import dev.myelin.trainer.run.TrainerProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./myelin bench train}: the cost of one TD3 update in SpikeRL/PopSAN's HalfCheetah configuration
 * (batch 100, obs 17, act 6, PopSAN 256-256, T 5, population 10; critic every update, actor every second)
 * on the fused CPU kernels, against a DJL matMul peak measured in the same run; DJL autograd on the same
 * actor for comparison; and environment steps per second on {@code pendulum} with updates on, with one
 * and two MPI ranks.
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

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

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
        int obs = 17;
        int act = 6;
        if (parts.contains("update")) {
            measureUpdates(report, cores, obs, act);
        }
        if (parts.contains("djl")) {
            djlVersusFused(obs, act, report);
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
    private void measureUpdates(JsonReport report, int cores, int obs, int act) throws Exception {
        // ---- one TD3 update, on one thread and on every core ----
        System.out.printf(Locale.ROOT, "TD3 update, HalfCheetah-sized PopSAN (obs 17, act 6, pop 10, 256-256, T 5), twin "
                + "critics 256-256, batch 100, %s; %d warm-up + %d timed updates%n", precision, warmup, updates);
        int all = threads != null ? threads : cores;
        double flops = 0;
        double meanMs = Double.NaN;
        for (int t : all > 1 ? new int[] {1, all} : new int[] {1}) {
            UpdateTiming u = timeUpdates(t, obs, act);
            flops = u.flops;
            String key = t == all ? "" : "threads1.";
            report.put(key + "update_ms", JsonReport.round(u.meanMs, 3));
            report.put(key + "update_ms_p50", JsonReport.round(u.p50Ms, 3));
            report.put(key + "update_ms_p90", JsonReport.round(u.p90Ms, 3));
            report.put(key + "update_ms_p99", JsonReport.round(u.p99Ms, 3));
            report.put(key + "update_pair_ms_p50", JsonReport.round(u.pairP50Ms, 3));
            report.put(key + "update_cpu_ms", JsonReport.round(u.cpuMeanMs, 3));
            report.put(key + "updates_per_s", JsonReport.round(1000 / u.meanMs, 1));
            report.put(key + "achieved_gflops", JsonReport.round(flops / (u.meanMs * 1e-3) / 1e9, 2));
            report.put(key + "threads", t);
            System.out.printf(Locale.ROOT, "%d thread%s: update mean %.2f ms (p50 %.2f, p90 %.2f, p99 %.2f; critic+actor pair "
                            + "p50 %.2f ms), %.0f updates/s, %.1f GFLOP/s%n", t, t > 1 ? "s" : "", u.meanMs, u.p50Ms, u.p90Ms,
                    u.p99Ms, u.pairP50Ms, 1000 / u.meanMs, flops / (u.meanMs * 1e-3) / 1e9);
            if (t == all) {
                meanMs = u.meanMs;
            }
        }
        double achieved = flops / (meanMs * 1e-3) / 1e9;
        report.put("flops_per_update", (long) flops);
        report.put("precision", precision);
        System.out.printf(Locale.ROOT, "%.1f MFLOP per update (dense-equivalent count; the spiking layers' event-driven "
                + "products execute fewer)%n", flops / 1e6);

        // ---- GEMM peaks ----
        double djlPeak = djlGemmPeak(report);
        double javaPeak = javaGemmPeak();
        report.put("gemm_gflops", JsonReport.round(djlPeak, 2));
        report.put("achieved_gflops", JsonReport.round(achieved, 2));
        report.put("java_gemm_gflops_one_thread", JsonReport.round(javaPeak, 2));
        report.put("achieved_fraction_of_gemm", JsonReport.round(achieved / djlPeak, 3));
        System.out.printf(Locale.ROOT, "DJL matMul peak %.1f GFLOP/s (PyTorch, all cores); fused-kernel GEMM %.1f GFLOP/s on one "
                + "thread; the %d-thread update achieves %.1f GFLOP/s, %.0f%% of the DJL peak%n", djlPeak, javaPeak, all, achieved,
                100 * achieved / djlPeak);
    }

    private record UpdateTiming(double meanMs, double p50Ms, double p90Ms, double p99Ms, double pairP50Ms, double cpuMeanMs,
                                double flops) {
    }

    /** Times {@code updates} TD3 updates on {@code threads} threads, on a replay buffer of random transitions. */
    private UpdateTiming timeUpdates(int threads, int obs, int act) throws Exception {
        TrainConfig config = TrainConfig.of(TrainConfig.loadPreset("pendulum"), List.of("precision=" + precision,
                "batch_size=100", "actor.hidden=256,256", "critic.hidden=256,256", "actor.timesteps=5", "actor.population=10",
                "policy_delay=2", "threads=" + threads));
        try (Td3 td3 = (Td3) Learner.create(config, Communicator.single(), obs, act, 1, 1)) {
            ReplayBuffer replay = new ReplayBuffer(20_000, obs, act);
            RandomStream rnd = new RandomStream(3);
            float[] o = new float[obs];
            float[] o2 = new float[obs];
            float[] u = new float[act];
            for (int i = 0; i < replay.capacity(); i++) {
                for (int k = 0; k < obs; k++) {
                    o[k] = (float) rnd.nextGaussian();
                    o2[k] = (float) rnd.nextGaussian();
                }
                for (int j = 0; j < act; j++) {
                    u[j] = (float) (2 * rnd.nextDouble() - 1);
                }
                replay.add(o, 0, u, 0, (float) rnd.nextGaussian(), o2, 0, rnd.nextDouble() < 0.01);
            }
            RunningNormalizer norm = new RunningNormalizer(obs, 3f, false);
            ReplayBuffer.Batch batch = new ReplayBuffer.Batch(100, obs, act);
            for (int i = 0; i < warmup; i++) {
                replay.sample(batch, rnd, norm);
                td3.update(batch);
            }
            long[] wall = new long[updates];
            long[] cpu = new long[updates];
            for (int i = 0; i < updates; i++) {
                replay.sample(batch, rnd, norm);
                long c0 = MX.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                td3.update(batch);
                wall[i] = System.nanoTime() - t0;
                cpu[i] = MX.getCurrentThreadCpuTime() - c0;
            }
            // updates alternate between critic-only and critic+actor (policy delay 2): pairs are the steady unit
            long[] pairs = new long[updates / 2];
            for (int i = 0; i < pairs.length; i++) {
                pairs[i] = wall[2 * i] + wall[2 * i + 1];
            }
            return new UpdateTiming(Arrays.stream(wall).average().orElse(0) / 1e6, pct(wall, 50) / 1e6, pct(wall, 90) / 1e6,
                    pct(wall, 99) / 1e6, pairs.length > 0 ? pct(pairs, 50) / 1e6 : Double.NaN,
                    Arrays.stream(cpu).average().orElse(0) / 1e6, td3.flopsPerUpdate());
        }
    }

    private static double pct(long[] xs, double p) {
        long[] s = xs.clone();
        Arrays.sort(s);
        int idx = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, idx))];
    }

    /** Best GFLOP/s of DJL (PyTorch) matMul over a few shapes, including the update's own. */
    private static double djlGemmPeak(JsonReport report) {
        int[][] shapes = {{100, 256, 256}, {500, 256, 256}, {1024, 1024, 1024}};
        double best = 0;
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            for (int[] s : shapes) {
                NDArray a = m.randomNormal(new Shape(s[0], s[1]));
                NDArray b = m.randomNormal(new Shape(s[1], s[2]));
                double flop = 2.0 * s[0] * s[1] * s[2];
                int reps = (int) Math.max(5, Math.min(2000, 2e9 / flop));
                for (int i = 0; i < reps / 2 + 1; i++) {
                    a.matMul(b).close();
                }
                long[] t = new long[5];
                for (int trial = 0; trial < t.length; trial++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < reps; i++) {
                        a.matMul(b).close();
                    }
                    t[trial] = (System.nanoTime() - t0) / reps;
                }
                double g = flop / pct(t, 50);
                String key = "gemm." + s[0] + "x" + s[1] + "x" + s[2] + "_gflops";
                report.put(key, JsonReport.round(g, 2));
                best = Math.max(best, g);
            }
        }
        return best;
    }

    private static double javaGemmPeak() {
        int m = 500;
        int k = 256;
        int n = 256;
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        float[] c = new float[m * n];
        Arrays.fill(a, 0.5f);
        Arrays.fill(b, 0.25f);
        for (int i = 0; i < 200; i++) {
            Gemm.product(m, n, k, a, 0, k, 1, b, 0, n, c, 0, n, false);
        }
        long[] t = new long[7];
        for (int trial = 0; trial < t.length; trial++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                Gemm.product(m, n, k, a, 0, k, 1, b, 0, n, c, 0, n, false);
            }
            t[trial] = (System.nanoTime() - t0) / 50;
        }
        return Gemm.flops(m, n, k) / pct(t, 50);
    }

    private void djlVersusFused(int obs, int act, JsonReport report) {
        PopSanActor.ActorShape shape = new PopSanActor.ActorShape(obs, act, 10, 10, new int[] {256, 256}, 5,
                dev.myelin.policy.model.CubaLif.POPSAN);
        Parameters.Builder b = Parameters.builder();
        PopSanActor.declare(b, shape, false);
        Parameters p = b.build();
        PopSanActor.initialize(p, shape, new RandomStream(2));
        int batch = 100;
        PopSanActor fused = new PopSanActor(p, shape, Surrogate.RECTANGULAR, 0.5f, batch, Rounding.FP32);
        RandomStream rnd = new RandomStream(4);
        float[] obsIn = new float[batch * obs];
        float[] gz = new float[batch * act];
        for (int i = 0; i < obsIn.length; i++) {
            obsIn[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < gz.length; i++) {
            gz[i] = (float) rnd.nextGaussian();
        }
        System.arraycopy(obsIn, 0, fused.input(), 0, obsIn.length);
        for (int i = 0; i < 100; i++) {
            fused.forward(batch);
            fused.backward(gz, null);
        }
        long[] ft = new long[100];
        for (int i = 0; i < ft.length; i++) {
            long t0 = System.nanoTime();
            fused.forward(batch);
            p.zeroGradients();
            fused.backward(gz, null);
            ft[i] = System.nanoTime() - t0;
        }
        long[] dt = new long[djlIterations];
        try (DjlPopSanGraph djl = new DjlPopSanGraph(shape, Surrogate.RECTANGULAR, 0.5f, Device.cpu())) {
            for (int i = 0; i < 3; i++) {
                djl.run(p, obsIn, batch, gz, null);
            }
            for (int i = 0; i < dt.length; i++) {
                long t0 = System.nanoTime();
                djl.run(p, obsIn, batch, gz, null);
                dt[i] = System.nanoTime() - t0;
            }
        }
        double f = pct(ft, 50) / 1e6;
        double d = pct(dt, 50) / 1e6;
        report.put("actor_forward_backward.fused_ms_p50", JsonReport.round(f, 3));
        report.put("actor_forward_backward.djl_autograd_ms_p50", JsonReport.round(d, 3));
        report.put("actor_forward_backward.spikes_per_pass", fused.lastSpikes());
        System.out.printf(Locale.ROOT, "actor forward+backward, batch 100: fused kernels %.2f ms, DJL autograd graph %.2f ms "
                + "(p50; %.0fx)%n", f, d, d / f);
    }

    private static final Pattern RATE = Pattern.compile("rank (\\d+) of (\\d+): ([0-9.]+) env steps/s with updates");

    /** Total environment steps/s of a pendulum run on {@code ranks} MPI ranks (sum over ranks). */
    private static double mpiRun(int ranks, int steps, JsonReport report) throws Exception {
        Path dir = Files.createTempDirectory("myelin-bench-mpi");
        File log = dir.resolve("mpirun.log").toFile();
        List<String> cmd = new ArrayList<>(List.of("mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none",
                "--tag-output", "-np", Integer.toString(ranks)));
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), TrainerProcess.class.getName(), "--preset", "pendulum", "--out",
                dir.resolve("run").toString(), "--quiet", "--set", "steps=" + steps, "--set", "start_steps=1000", "--set",
                "update_after=1000", "--set", "eval_every=" + steps, "--set", "eval_episodes=1", "--set",
                "checkpoint_every=" + steps));
        String out;
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("mpirun with " + ranks + " rank(s) did not finish in 30 minutes");
            }
            out = Files.readString(log.toPath());
            if (p.exitValue() != 0) {
                throw new IllegalStateException("mpirun with " + ranks + " rank(s) failed:\n" + out);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        Matcher m = RATE.matcher(out);
        double total = 0;
        int seen = 0;
        while (m.find()) {
            double r = Double.parseDouble(m.group(3));
            report.put("mpi.ranks" + ranks + ".rank" + m.group(1) + "_env_steps_per_s", JsonReport.round(r, 1));
            total += r;
            seen++;
        }
        if (seen != ranks) {
            throw new IllegalStateException("expected " + ranks + " throughput lines from mpirun:\n" + out);
        }
        return total;
    }
}
