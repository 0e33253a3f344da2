package dev.myelin.policy.engine;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Compiles the Vector API kernels once per process on small inputs, before any engine runs them.
 *
 * <p>Below C2 (interpreter, C1) every vector operation of the Vector API boxes a fresh vector and its
 * lane array: an engine's own warm-up, run on a full network from a cold JVM, allocates about a
 * megabyte per decision of a 64-64 PopSAN until its kernels are compiled, hundreds of megabytes in
 * all, and the collections that follow stop every thread of the process, the control loop's too.
 * Driving the kernels directly on the narrowest inputs that still enter each of their loops and
 * branches reaches the same compiled code with a small fraction of the garbage; engines built later
 * then call compiled kernels from their first decision. The warm-up ends on the first round of calls
 * that allocates nothing (all kernels compiled, their vectors scalar-replaced), or at its limits.
 */
final class KernelWarmUp {
    static final int MAX_ROUNDS = 20_000;
    static final long MAX_NANOS = 10_000_000_000L;
    private static final int ROWS = 48;
    private static final long PAUSE_NANOS = 1_000_000L;
    /** Output widths (multiples of 16, as {@link Columns#padded} makes them): below, at and past a block of eight vectors. */
    private static final int[] WIDTHS = {16, 144};
    /** Active inputs per call: none and a few. */
    private static final int[] COUNTS = {0, 2};
    /** Neuron counts: whole vectors, and whole vectors and a scalar tail. */
    private static final int[] SIZES = {16, 40};

    private static volatile Result result;

    /** Rounds run and whether the last one allocated nothing. */
    record Result(int rounds, boolean allocationFree) {
    }

    private KernelWarmUp() {
    }

    /** Runs once per process (later calls return the first result); a no-op without the Vector API. */
    static synchronized Result run() {
        if (result == null) {
            result = Columns.VECTOR ? warm() : new Result(0, true);
        }
        return result;
    }

    private static Result warm() {
        var threads = ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled() ? t : null;
        SplittableRandom rnd = new SplittableRandom(7);
        int maxWidth = WIDTHS[WIDTHS.length - 1];
        float[] wf = new float[ROWS * maxWidth];
        int[] wi = new int[ROWS * maxWidth];
        for (int k = 0; k < wf.length; k++) {
            wf[k] = (float) (rnd.nextDouble() - 0.5);
            wi[k] = rnd.nextInt(-128, 128);
        }
        int[] idx = new int[ROWS];
        float[] xf = new float[ROWS];
        int[] xi = new int[ROWS];
        for (int k = 0; k < ROWS; k++) {
            idx[k] = rnd.nextInt(ROWS);
            xf[k] = (float) rnd.nextDouble();
            xi[k] = rnd.nextInt(0, 4096);
        }
        float[] accf = new float[maxWidth];
        int[] acci = new int[maxWidth];
        int maxSize = SIZES[SIZES.length - 1];
        float[] c = new float[maxSize];
        float[] v = new float[maxSize];
        float[] s = new float[maxSize];
        int[] fired = new int[maxSize + Spikes.SLACK];
        float[] current = new float[maxSize];
        float[] bias = new float[maxSize];
        float[] exponent = new float[maxSize];
        float[] activation = new float[maxSize];
        for (int k = 0; k < maxSize; k++) {
            current[k] = (float) (rnd.nextDouble() * 0.8);
            bias[k] = (float) (rnd.nextDouble() * 0.2 - 0.1);
            exponent[k] = (float) (-rnd.nextDouble() * 12);
        }
        // Below the range of exp (0) and above it (infinity), in the vector part and in the scalar tail.
        exponent[0] = -200f;
        exponent[1] = 200f;
        exponent[maxSize - 2] = -200f;
        exponent[maxSize - 1] = 200f;
        long end = System.nanoTime() + MAX_NANOS;
        int round = 0;
        boolean free = false;
        while (!free && round < MAX_ROUNDS && System.nanoTime() < end) {
            long before = threads == null ? 0 : threads.getCurrentThreadAllocatedBytes();
            for (int n : WIDTHS) {
                for (int count : COUNTS) {
                    VectorColumns.sum(wf, n, idx, count, accf, 0);
                    VectorColumns.sumScaled(wf, n, idx, xf, count, accf, 0);
                    VectorColumns.sum(wi, n, idx, count, acci, 0);
                    VectorColumns.sumScaled(wi, n, idx, xi, count, acci, 0);
                }
            }
            for (int size : SIZES) {
                VectorNeurons.lifStep(c, v, s, fired, current, (round & 1) == 0 ? bias : null, 0.5f, 0.75f, 0.5f, size);
                VectorNeurons.regularSpikes(v, activation, s, fired, 0.999f, size);
                VectorNeurons.exp(exponent, activation, size);
            }
            round++;
            // Every kernel compiled and its vectors scalar-replaced: nothing allocated. Without a
            // counter, the round limit applies.
            free = threads != null && threads.getCurrentThreadAllocatedBytes() == before;
            if (!free) {
                // The garbage comes at the rate the uncompiled kernels run, while the compilation they
                // triggered is still under way: pausing between rounds leaves the compiler the core.
                LockSupport.parkNanos(PAUSE_NANOS);
            }
        }
        return new Result(round, free);
    }
}
