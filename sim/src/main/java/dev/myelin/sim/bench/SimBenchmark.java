package dev.myelin.sim.bench;

import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.Env;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.VectorEnv;
import dev.myelin.sim.random.SplitMix;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Simulation throughput of one task: agent-steps per second (auto-resets included, random actions) of the
 * single-env API on one thread, and of a vector env of {@code worlds} worlds on one thread and on
 * {@code threads}. The trials of the three subjects alternate, so that a change in background load hits all of
 * them alike; each figure keeps every trial.
 */
public final class SimBenchmark {

    /** How long to measure: {@code trials} timed trials of {@code trialSeconds} each after {@code warmupSeconds}. */
    public record Timing(int trials, double trialSeconds, double warmupSeconds) {
        public Timing {
            if (trials < 1 || !(trialSeconds > 0) || !(warmupSeconds >= 0)) {
                throw new IllegalArgumentException("trials and trial seconds must be positive, warm-up seconds >= 0");
            }
        }
    }

    /**
     * Steps per wall second of every timed trial, with summary statistics; {@code cpuTrials} are steps per second
     * of the measuring thread's CPU time, which other load on the machine barely affects (meaningful for one thread
     * only).
     */
    public record Figure(double[] trials, double[] cpuTrials) {
        /** The {@code p}-quantile (0..1) of the trials, linearly interpolated. */
        public double percentile(double p) {
            double[] s = trials.clone();
            Arrays.sort(s);
            double pos = p * (s.length - 1);
            int lo = (int) Math.floor(pos);
            int hi = (int) Math.ceil(pos);
            return s[lo] + (s[hi] - s[lo]) * (pos - lo);
        }

        public double median() {
            return percentile(0.5);
        }

        public double cpuMedian() {
            return new Figure(cpuTrials, cpuTrials).median();
        }
    }

    /**
     * The three figures of one task, and the median over paired trials of the all-threads to one-thread ratio.
     *
     * @param envApi    the single-env API, one thread
     * @param oneThread the vector env on one thread
     * @param threads   the vector env on {@code threadsAll} threads
     */
    public record Result(TaskSpec task, int worlds, int threadsAll, Figure envApi, Figure oneThread, Figure threads,
                         double scaling) {
    }

    private SimBenchmark() {
    }

    /** Measures {@code spec} with {@code worlds} worlds per vector env, one thread against {@code threads}. */
    public static Result measure(TaskSpec spec, int worlds, int threads, Timing timing) {
        if (worlds < 1 || threads < 1) {
            throw new IllegalArgumentException("worlds and threads must be >= 1, got " + worlds + " and " + threads);
        }
        Env env = Tasks.env(spec);
        try (VectorEnv oneThread = Tasks.vector(spec, worlds, 1); VectorEnv allThreads = Tasks.vector(spec, worlds, threads)) {
            Figure[] f = timeInterleaved(new Subject[] {subject(env), subject(oneThread), subject(allThreads)}, timing);
            double[] ratios = new double[timing.trials()];
            for (int t = 0; t < ratios.length; t++) {
                ratios[t] = f[2].trials()[t] / f[1].trials()[t];
            }
            return new Result(spec, worlds, threads, f[0], f[1], f[2], new Figure(ratios, ratios).median());
        }
    }

    /** Eight precomputed action batches, cycled, so that drawing actions costs nothing in the timed loop. */
    private static float[][] actionBatches(int size, BoxSpace space) {
        float[][] batches = new float[8][size];
        long[] rng = {SplitMix.stream(7, 0)};
        int n = space.size();
        for (float[] b : batches) {
            for (int i = 0; i < size; i++) {
                float lo = space.low(i % n);
                float hi = space.high(i % n);
                b[i] = lo + (hi - lo) * (float) SplitMix.nextDouble(rng, 0);
            }
        }
        return batches;
    }

    /** One thing to time: a step and how many agent-steps it takes. */
    private record Subject(Runnable step, long agentsPerStep) {
    }

    private static Subject subject(VectorEnv venv) {
        float[][] actions = actionBatches(venv.agents() * venv.actionSpace().size(), venv.actionSpace());
        venv.reset(1);
        int[] cursor = {0};
        return new Subject(() -> venv.step(actions[cursor[0]++ & 7]), venv.agents());
    }

    private static Subject subject(Env env) {
        float[][] actions = actionBatches(env.agents() * env.actionSpace().size(), env.actionSpace());
        env.reset(1);
        int[] cursor = {0};
        return new Subject(() -> {
            if (env.step(actions[cursor[0]++ & 7]).done()) {
                env.reset();
            }
        }, env.agents());
    }

    private static Figure[] timeInterleaved(Subject[] subjects, Timing timing) {
        for (Subject s : subjects) {
            long warmEnd = System.nanoTime() + (long) (timing.warmupSeconds() * 1e9);
            while (System.nanoTime() < warmEnd) {
                for (int i = 0; i < 64; i++) {
                    s.step().run();
                }
            }
        }
        int trials = timing.trials();
        double[][] rates = new double[subjects.length][trials];
        double[][] cpuRates = new double[subjects.length][trials];
        long trialNanos = (long) (timing.trialSeconds() * 1e9);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int t = 0; t < trials; t++) {
            for (int k = 0; k < subjects.length; k++) {
                Runnable step = subjects[k].step();
                long cpuStart = mx.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                long end = start + trialNanos;
                long calls = 0;
                long now;
                do {
                    for (int i = 0; i < 16; i++) {
                        step.run();
                    }
                    calls += 16;
                    now = System.nanoTime();
                } while (now < end);
                long cpu = mx.getCurrentThreadCpuTime() - cpuStart;
                rates[k][t] = calls * subjects[k].agentsPerStep() / ((now - start) / 1e9);
                cpuRates[k][t] = calls * subjects[k].agentsPerStep() / (cpu / 1e9);
            }
        }
        Figure[] out = new Figure[subjects.length];
        for (int k = 0; k < subjects.length; k++) {
            out[k] = new Figure(rates[k], cpuRates[k]);
        }
        return out;
    }
}
