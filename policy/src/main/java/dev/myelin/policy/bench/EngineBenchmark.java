package dev.myelin.policy.bench;

import dev.myelin.policy.engine.InferenceEngine;

import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Single-thread, batch-1 latency of an inference engine over a fixed stream of observations:
 * warm-up calls, then every call timed on its own.
 */
public final class EngineBenchmark {
    private EngineBenchmark() {
    }

    /** A reproducible stream of observations drawn around the normalisation statistics. */
    public static float[][] observations(int size, int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] obs = new float[count][size];
        for (float[] o : obs) {
            for (int i = 0; i < size; i++) {
                o[i] = (float) (rnd.nextGaussian());
            }
        }
        return obs;
    }

    public static LatencyRecorder.Summary measure(InferenceEngine engine, float[][] stream, int warmup, int iterations) {
        float[] action = new float[engine.actionSize()];
        return measure(o -> engine.act(o, action), stream, warmup, iterations);
    }

    /**
     * The same for any decision function (e.g. a reference implementation the engines are compared with): {@code warmup}
     * untimed calls, then {@code iterations} calls each timed on its own, cycling through {@code stream}.
     */
    public static LatencyRecorder.Summary measure(Consumer<float[]> decide, float[][] stream, int warmup, int iterations) {
        for (int i = 0; i < warmup; i++) {
            decide.accept(stream[i % stream.length]);
        }
        LatencyRecorder rec = new LatencyRecorder(iterations);
        for (int i = 0; i < iterations; i++) {
            float[] o = stream[i % stream.length];
            long t0 = System.nanoTime();
            decide.accept(o);
            rec.record(System.nanoTime() - t0);
        }
        return rec.summary();
    }
}
