package dev.myelin.launch.bench;

import dev.myelin.launch.JsonReport;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.VectorEnv;
import dev.myelin.sim.mujoco.Locomotion;
import dev.myelin.sim.mujoco.MjModel;
import dev.myelin.sim.mujoco.MujocoModels;
import dev.myelin.sim.mujoco.MujocoTestspeed;
import dev.myelin.sim.random.SplitMix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ./myelin bench mujoco}: env steps per second of the MuJoCo locomotion tasks through the
 * vector env on one thread and on all cores, next to MuJoCo's own {@code mujoco-testspeed} on the same
 * MJCF in the same run (its {@code mj_step}/s divided by the task's frame skip, so every figure is in
 * env steps/s), and the testspeed loop itself driven from Java through the binding. Trials of the
 * four subjects alternate so background load hits them alike; figures are medians.
 */
@Command(name = "mujoco", mixinStandardHelpOptions = true,
        description = "MuJoCo throughput: env steps/s of hopper, halfcheetah, walker2d, ant (one thread, all cores) next to mujoco-testspeed.")
final class BenchMujocoCommand implements Callable<Integer> {

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON.")
    Path json;

    @Option(names = "--tasks", split = ",", defaultValue = "hopper,halfcheetah,walker2d,ant",
            description = "Tasks to measure (default ${DEFAULT-VALUE}).")
    List<String> tasks;

    @Option(names = "--trials", defaultValue = "5", description = "Timed trials per figure (default ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--trial-seconds", defaultValue = "1", description = "Length of one trial (default ${DEFAULT-VALUE} s).")
    double trialSeconds;

    @Option(names = "--threads", description = "Threads for the all-cores figure (default: available processors).")
    Integer threads;

    @Option(names = "--worlds", defaultValue = "16", description = "Worlds per vector env (default ${DEFAULT-VALUE}).")
    int worlds;

    @Option(names = "--ctrl-noise", defaultValue = "0.5",
            description = "Standard deviation of mujoco-testspeed's control noise (default ${DEFAULT-VALUE}); the envs get uniform random actions.")
    double ctrlNoise;

    @Override
    public Integer call() throws Exception {
        if (trials < 1 || !(trialSeconds > 0) || worlds < 1) {
            throw new IllegalArgumentException("--trials, --trial-seconds and --worlds must be positive");
        }
        int all = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        JsonReport report = new JsonReport();
        report.put("machine.available_processors", Runtime.getRuntime().availableProcessors());
        report.put("machine.java", Runtime.version().toString());
        report.put("method", String.format(Locale.ROOT, "median of %d interleaved trials of %.1f s; env steps/s incl. "
                + "auto-resets with uniform random actions; c_testspeed_1t = mujoco-testspeed mj_step/s (ctrlnoise %.2f) "
                + "/ frame skip; java_binding_1t = the same loop from Java", trials, trialSeconds, ctrlNoise));
        System.out.printf(Locale.ROOT, "%d trials x %.1f s; %d worlds; all cores = %d threads; figures are env steps/s "
                + "(median)%n", trials, trialSeconds, worlds, all);
        System.out.printf(Locale.ROOT, "%-12s %12s %12s %14s %14s %8s %8s%n", "task", "java 1t", "java all",
                "C testspeed", "Java testspeed", "1t/C", "scaling");
        Path dir = Files.createTempDirectory("myelin-bench-mujoco");
        try {
            for (String task : tasks) {
                measure(report, task, all, dir);
            }
        } finally {
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
        if (json != null) {
            report.write(json);
            System.out.println("wrote " + json);
        }
        return 0;
    }

    private void measure(JsonReport report, String task, int all, Path dir) {
        Locomotion.Robot robot = Locomotion.Robot.of(task);
        int frameSkip = robot.frameSkip();
        Path xml = MujocoTestspeed.stage(robot.resource(), dir);
        TaskSpec spec = TaskSpec.of(task);
        double[] one = new double[trials];
        double[] many = new double[trials];
        double[] c = new double[trials];
        double[] javaLoop = new double[trials];
        double contacts = Double.NaN;
        try (VectorEnv v1 = Tasks.vector(spec, worlds, 1); VectorEnv vAll = Tasks.vector(spec, worlds, all);
             MjModel model = MujocoModels.load(robot.resource())) {
            float[][] actions = actions(v1);
            v1.reset(1);
            vAll.reset(1);
            timed(v1, actions, trialSeconds); // warm-up
            timed(vAll, actions, trialSeconds);
            // size the C run to about one trial from a first short run
            double cRate = MujocoTestspeed.run(xml, 2000, 1, ctrlNoise).stepsPerSecond();
            MujocoTestspeed.javaStepsPerSecond(model, 20_000, ctrlNoise, 1);
            int cSteps = (int) Math.max(2000, Math.min(50_000_000, cRate * trialSeconds));
            for (int t = 0; t < trials; t++) {
                one[t] = timed(v1, actions, trialSeconds);
                many[t] = timed(vAll, actions, trialSeconds);
                MujocoTestspeed.Result r = MujocoTestspeed.run(xml, cSteps, 1, ctrlNoise);
                c[t] = r.stepsPerSecond() / frameSkip;
                contacts = r.contactsPerStep();
                javaLoop[t] = MujocoTestspeed.javaStepsPerSecond(model, cSteps, ctrlNoise, t) / frameSkip;
            }
        }
        double j1 = median(one);
        double jAll = median(many);
        double c1 = median(c);
        double jLoop = median(javaLoop);
        System.out.printf(Locale.ROOT, "%-12s %12.0f %12.0f %14.0f %14.0f %8.2f %8.2f%n", task, j1, jAll, c1, jLoop,
                j1 / c1, jAll / j1);
        String k = "tasks." + task;
        report.put(k + ".java_1t", Math.round(j1));
        report.put(k + ".java_all", Math.round(jAll));
        report.put(k + ".c_testspeed_1t", Math.round(c1));
        report.put(k + ".java_binding_1t", Math.round(jLoop));
        report.put(k + ".ratio_java_1t_to_c", JsonReport.round(j1 / c1, 3));
        report.put(k + ".ratio_binding_to_c", JsonReport.round(jLoop / c1, 3));
        report.put(k + ".scaling_all", JsonReport.round(jAll / j1, 3));
        report.put(k + ".threads_all", all);
        report.put(k + ".worlds", worlds);
        report.put(k + ".frame_skip", frameSkip);
        report.put(k + ".c_contacts_per_step", JsonReport.round(contacts, 2));
        report.put(k + ".trials.java_1t", Arrays.stream(one).map(Math::round).toArray());
        report.put(k + ".trials.java_all", Arrays.stream(many).map(Math::round).toArray());
        report.put(k + ".trials.c_testspeed_1t", Arrays.stream(c).map(Math::round).toArray());
        report.put(k + ".trials.java_binding_1t", Arrays.stream(javaLoop).map(Math::round).toArray());
    }

    private static float[][] actions(VectorEnv v) {
        int n = v.actionSpace().size();
        float[][] batches = new float[8][v.agents() * n];
        long[] rng = {SplitMix.stream(7, 0)};
        for (float[] b : batches) {
            for (int i = 0; i < b.length; i++) {
                b[i] = -1f + 2f * (float) SplitMix.nextDouble(rng, 0);
            }
        }
        return batches;
    }

    private static double timed(VectorEnv v, float[][] actions, double seconds) {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long calls = 0;
        long now;
        do {
            v.step(actions[(int) (calls & 7)]);
            calls++;
            now = System.nanoTime();
        } while (now < end);
        return calls * (double) v.agents() / ((now - start) / 1e9);
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}
