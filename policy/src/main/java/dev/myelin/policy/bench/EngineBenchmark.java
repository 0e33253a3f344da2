package dev.myelin.policy.bench;

import dev.myelin.policy.engine.InferenceEngine;

import java.util.SplittableRandom;

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
        for (int i = 0; i < warmup; i++) {
            engine.act(stream[i % stream.length], action);
        }
        LatencyRecorder rec = new LatencyRecorder(iterations);
        for (int i = 0; i < iterations; i++) {
            float[] o = stream[i % stream.length];
            long t0 = System.nanoTime();
            engine.act(o, action);
            rec.record(System.nanoTime() - t0);
        }
        return rec.summary();
    }
}
