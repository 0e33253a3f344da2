package dev.myelin.policy.compress;

import dev.myelin.policy.bundle.BundleWriter;
import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.policy.model.Normalizer;
import dev.myelin.policy.model.Policy;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * What compressing a policy costs and saves: bundle size at the chosen precision and pruning against
 * fp32, and the action error of the compressed policy against the original on the same observations
 * (both through the same engine). Errors are in units of each action's half-range, so 0.01 means one
 * percent of the actuator's span either side of centre.
 *
 * @param fp32Bytes       bundle size at fp32, unpruned
 * @param bytes           bundle size with these settings
 * @param weightSparsity  fraction of exact zeros among the compressible weights after compression
 * @param meanError       mean |a_compressed - a_original| / halfRange over every action component
 * @param p99Error        99th percentile of the same
 * @param maxError        largest of the same
 * @param observations    number of observations compared
 */
public record CompressionReport(Precision precision, double pruneFraction, String engine, long fp32Bytes, long bytes,
                                double weightSparsity, double meanError, double p99Error, double maxError,
                                int observations) {

    public double sizeRatio() {
        return (double) bytes / fp32Bytes;
    }

    /**
     * Compresses {@code original} as a bundle would and compares actions on {@code observations} random
     * observations drawn around the policy's normalisation statistics (mean + N(0, var)); recurrent
     * policies see them as one episode.
     */
    public static CompressionReport measure(Policy original, Precision precision, double pruneFraction, String engine,
                                            int observations, long seed) {
        if (observations <= 0) {
            throw new IllegalArgumentException("observations must be positive, got " + observations);
        }
        Policy compressed = Compression.apply(original, precision, pruneFraction);
        long fp32 = new BundleWriter().setPolicy(original).toBytes().length;
        long bytes = new BundleWriter().setPolicy(original).optPrecision(precision).optPrune(pruneFraction)
                .toBytes().length;
        InferenceEngine a = InferenceEngines.create(engine, original);
        InferenceEngine b = InferenceEngines.create(engine, compressed);
        int act = a.actionSize();
        double[] errors = new double[observations * act];
        float[] obs = new float[a.observationSize()];
        float[] outA = new float[act];
        float[] outB = new float[act];
        Normalizer n = original.normalizer();
        float[] mean = n.mean();
        float[] var = n.var();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < observations; i++) {
            for (int k = 0; k < obs.length; k++) {
                obs[k] = mean[k] + (float) (rnd.nextGaussian() * Math.sqrt(var[k]));
            }
            a.act(obs, outA);
            b.act(obs, outB);
            for (int j = 0; j < act; j++) {
                errors[i * act + j] = Math.abs(outA[j] - outB[j]) / original.actions().get(j).halfRange();
            }
        }
        Arrays.sort(errors);
        double sum = 0;
        for (double e : errors) {
            sum += e;
        }
        int p99 = Math.min(errors.length - 1, (int) Math.ceil(0.99 * errors.length) - 1);
        return new CompressionReport(precision, pruneFraction, engine, fp32, bytes,
                Compression.weightSparsity(compressed.network()), sum / errors.length, errors[Math.max(0, p99)],
                errors[errors.length - 1], observations);
    }
}
