package dev.myelin.trainer.bench;

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

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Training-cost figures in SpikeRL/PopSAN's HalfCheetah configuration (batch 100, obs 17, act 6, PopSAN 256-256,
 * T 5, population 10; twin critics 256-256; critic every update, actor every second): TD3 update timings, GEMM
 * peaks (DJL/PyTorch and the fused kernels), the fused actor forward+backward against DJL autograd, and the
 * environment steps per second of a {@code pendulum} training run on MPI ranks.
 */
public final class TrainBenchmark {
    /** HalfCheetah's observation and action sizes. */
    public static final int OBS = 17;
    public static final int ACT = 6;

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private TrainBenchmark() {
    }

    /** Update timings (ms) over the timed updates, and the dense-equivalent FLOP count of one update. */
    public record UpdateTiming(int threads, double meanMs, double p50Ms, double p90Ms, double p99Ms, double pairP50Ms,
                               double cpuMeanMs, double flops) {
        public double updatesPerSecond() {
            return 1000 / meanMs;
        }

        public double achievedGflops() {
            return flops / (meanMs * 1e-3) / 1e9;
        }
    }

    /** The fused actor's forward+backward against the same pass through DJL autograd (p50, ms). */
    public record ActorPass(double fusedMsP50, double djlMsP50, long spikesPerPass) {
    }

    /** A training run on MPI ranks: each rank's environment steps per second (by rank), and their sum. */
    public record MpiThroughput(int ranks, Map<Integer, Double> perRank, double total) {
    }

    /**
     * Times {@code updates} TD3 updates after {@code warmup} untimed ones, on {@code threads} threads and a replay
     * buffer of random transitions, at {@code precision} (fp32, fp16, bf16).
     */
    public static UpdateTiming timeUpdates(String precision, int threads, int warmup, int updates) throws Exception {
        TrainConfig config = TrainConfig.of(TrainConfig.loadPreset("pendulum"), List.of("precision=" + precision,
                "batch_size=100", "actor.hidden=256,256", "critic.hidden=256,256", "actor.timesteps=5", "actor.population=10",
                "policy_delay=2", "threads=" + threads));
        try (Td3<ReplayBuffer.Batch> td3 = (Td3<ReplayBuffer.Batch>) Learner.create(config, Communicator.single(), OBS, ACT, 1, 1)) {
            ReplayBuffer replay = new ReplayBuffer(20_000, OBS, ACT);
            RandomStream rnd = new RandomStream(3);
            float[] o = new float[OBS];
            float[] o2 = new float[OBS];
            float[] u = new float[ACT];
            for (int i = 0; i < replay.capacity(); i++) {
                for (int k = 0; k < OBS; k++) {
                    o[k] = (float) rnd.nextGaussian();
                    o2[k] = (float) rnd.nextGaussian();
                }
                for (int j = 0; j < ACT; j++) {
                    u[j] = (float) (2 * rnd.nextDouble() - 1);
                }
                replay.add(o, 0, u, 0, (float) rnd.nextGaussian(), o2, 0, rnd.nextDouble() < 0.01);
            }
            RunningNormalizer norm = new RunningNormalizer(OBS, 3f, false);
            ReplayBuffer.Batch batch = new ReplayBuffer.Batch(100, OBS, ACT);
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
            return new UpdateTiming(threads, Arrays.stream(wall).average().orElse(0) / 1e6, percentile(wall, 50) / 1e6,
                    percentile(wall, 90) / 1e6, percentile(wall, 99) / 1e6,
                    pairs.length > 0 ? percentile(pairs, 50) / 1e6 : Double.NaN,
                    Arrays.stream(cpu).average().orElse(0) / 1e6, td3.flopsPerUpdate());
        }
    }

    /** The nearest-rank {@code p}-th percentile of {@code xs}. */
    public static double percentile(long[] xs, double p) {
        long[] s = xs.clone();
        Arrays.sort(s);
        int idx = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, idx))];
    }

    /**
     * GFLOP/s of DJL (PyTorch) matMul on a few shapes, including the update's own, keyed {@code MxKxN} in the order
     * measured (the median of 5 trials each).
     */
    public static Map<String, Double> djlGemm() {
        int[][] shapes = {{100, 256, 256}, {500, 256, 256}, {1024, 1024, 1024}};
        Map<String, Double> out = new LinkedHashMap<>();
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
                out.put(s[0] + "x" + s[1] + "x" + s[2], flop / percentile(t, 50));
            }
        }
        return out;
    }

    /** GFLOP/s of the fused kernels' GEMM on one thread (500x256 by 256x256; median of 7 trials). */
    public static double fusedGemm() {
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
        return Gemm.flops(m, n, k) / percentile(t, 50);
    }

    /** The HalfCheetah-sized actor's forward+backward at batch 100: fused kernels (100 passes) and DJL autograd. */
    public static ActorPass actorPass(int djlIterations) {
        PopSanActor.ActorShape shape = new PopSanActor.ActorShape(OBS, ACT, 10, 10, new int[] {256, 256}, 5,
                dev.myelin.policy.model.CubaLif.POPSAN);
        Parameters.Builder b = Parameters.builder();
        PopSanActor.declare(b, shape, false);
        Parameters p = b.build();
        PopSanActor.initialize(p, shape, new RandomStream(2));
        int batch = 100;
        PopSanActor fused = new PopSanActor(p, shape, Surrogate.RECTANGULAR, 0.5f, batch, Rounding.FP32);
        RandomStream rnd = new RandomStream(4);
        float[] obsIn = new float[batch * OBS];
        float[] gz = new float[batch * ACT];
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
        return new ActorPass(percentile(ft, 50) / 1e6, percentile(dt, 50) / 1e6, fused.lastSpikes());
    }

    private static final Pattern RATE = Pattern.compile("rank (\\d+) of (\\d+): ([0-9.]+) env steps/s with updates");

    /** A {@code pendulum} training run of {@code steps} environment steps per rank on {@code ranks} MPI ranks. */
    public static MpiThroughput mpiRun(int ranks, int steps) throws Exception {
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
        Map<Integer, Double> perRank = new LinkedHashMap<>();
        double total = 0;
        while (m.find()) {
            double r = Double.parseDouble(m.group(3));
            perRank.put(Integer.parseInt(m.group(1)), r);
            total += r;
        }
        if (perRank.size() != ranks) {
            throw new IllegalStateException("expected " + ranks + " throughput lines from mpirun:\n" + out);
        }
        return new MpiThroughput(ranks, perRank, total);
    }
}
