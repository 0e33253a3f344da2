package dev.myelin.policy.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementations of {@link Columns}, loaded only when the incubator module is present.
 * Outputs are processed in blocks of eight vectors held in registers across all active inputs, so the
 * accumulator is written once per block instead of once per input.
 */
final class VectorColumns {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> SI = IntVector.SPECIES_PREFERRED;

    private VectorColumns() {
    }

    static void sum(float[] w, int n, int[] idx, int count, float[] acc, int from) {
        final int W = S.length();
        int i = from;
        for (; i + 8 * W <= n; i += 8 * W) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int k = 0; k < count; k++) {
                final int b = idx[k] * n + i;
                a0 = a0.add(FloatVector.fromArray(S, w, b + 0 * W));
                a1 = a1.add(FloatVector.fromArray(S, w, b + 1 * W));
                a2 = a2.add(FloatVector.fromArray(S, w, b + 2 * W));
                a3 = a3.add(FloatVector.fromArray(S, w, b + 3 * W));
                a4 = a4.add(FloatVector.fromArray(S, w, b + 4 * W));
                a5 = a5.add(FloatVector.fromArray(S, w, b + 5 * W));
                a6 = a6.add(FloatVector.fromArray(S, w, b + 6 * W));
                a7 = a7.add(FloatVector.fromArray(S, w, b + 7 * W));
            }
            a0.intoArray(acc, i + 0 * W);
            a1.intoArray(acc, i + 1 * W);
            a2.intoArray(acc, i + 2 * W);
            a3.intoArray(acc, i + 3 * W);
            a4.intoArray(acc, i + 4 * W);
            a5.intoArray(acc, i + 5 * W);
            a6.intoArray(acc, i + 6 * W);
            a7.intoArray(acc, i + 7 * W);
        }
        for (; i + W <= n; i += W) {
            FloatVector a0 = FloatVector.zero(S);
            for (int k = 0; k < count; k++) {
                final int b = idx[k] * n + i;
                a0 = a0.add(FloatVector.fromArray(S, w, b + 0));
            }
            a0.intoArray(acc, i);
        }
        Columns.sumTail(w, n, idx, count, acc, i);
    }

    static void sumScaled(float[] w, int n, int[] idx, float[] x, int count, float[] acc, int from) {
        final int W = S.length();
        int i = from;
        for (; i + 8 * W <= n; i += 8 * W) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int k = 0; k < count; k++) {
                final int b = idx[k] * n + i;
                final float xk = x[k];
                a0 = a0.add(FloatVector.fromArray(S, w, b + 0 * W).mul(xk));
                a1 = a1.add(FloatVector.fromArray(S, w, b + 1 * W).mul(xk));
                a2 = a2.add(FloatVector.fromArray(S, w, b + 2 * W).mul(xk));
                a3 = a3.add(FloatVector.fromArray(S, w, b + 3 * W).mul(xk));
                a4 = a4.add(FloatVector.fromArray(S, w, b + 4 * W).mul(xk));
                a5 = a5.add(FloatVector.fromArray(S, w, b + 5 * W).mul(xk));
                a6 = a6.add(FloatVector.fromArray(S, w, b + 6 * W).mul(xk));
                a7 = a7.add(FloatVector.fromArray(S, w, b + 7 * W).mul(xk));
            }
            a0.intoArray(acc, i + 0 * W);
            a1.intoArray(acc, i + 1 * W);
            a2.intoArray(acc, i + 2 * W);
            a3.intoArray(acc, i + 3 * W);
            a4.intoArray(acc, i + 4 * W);
            a5.intoArray(acc, i + 5 * W);
            a6.intoArray(acc, i + 6 * W);
            a7.intoArray(acc, i + 7 * W);
        }
        for (; i + W <= n; i += W) {
            FloatVector a0 = FloatVector.zero(S);
            for (int k = 0; k < count; k++) {
                final int b = idx[k] * n + i;
                final float xk = x[k];
                a0 = a0.add(FloatVector.fromArray(S, w, b + 0).mul(xk));
            }
            a0.intoArray(acc, i);
        }
        Columns.sumScaledTail(w, n, idx, x, count, acc, i);
    }

    static void sum(int[] w, int n, int[] idx, int count, int[] acc, int from) {
        final int W = SI.length();
        int i = from;
        for (; i + 8 * W <= n; i += 8 * W) {
            IntVector a0 = IntVector.zero(SI), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int k = 0; k < count; k++) {
                final int b = idx[k] * n + i;
                a0 = a0.add(IntVector.fromArray(SI, w, b + 0 * W));
                a1 = a1.add(IntVector.fromArray(SI, w, b + 1 * W));
                a2 = a2.add(IntVector.fromArray(SI, w, b + 2 * W));
                a3 = a3.add(IntVector.fromArray(SI, w, b + 3 * W));
                a4 = a4.add(IntVector.fromArray(SI, w, b + 4 * W));
                a5 = a5.add(IntVector.fromArray(SI, w, b + 5 * W));
                a6 = a6.add(IntVector.fromArray(SI, w, b + 6 * W));
                a7 = a7.add(IntVector.fromArray(SI, w, b + 7 * W));
            }
            a0.intoArray(acc, i + 0 * W);
            a1.intoArray(acc, i + 1 * W);
            a2.intoArray(acc, i + 2 * W);
            a3.intoArray(acc, i + 3 * W);
            a4.intoArray(acc, i + 4 * W);
            a5.intoArray(acc, i + 5 * W);
            a6.intoArray(acc, i + 6 * W);
            a7.intoArray(acc, i + 7 * W);
        }
        for (; i + W <= n; i += W) {
            IntVector a0 = IntVector.zero(SI);
            for (int k = 0; k < count; k++) {
                final int b = idx[k] * n + i;
                a0 = a0.add(IntVector.fromArray(SI, w, b + 0));
            }
            a0.intoArray(acc, i);
        }
        Columns.sumTail(w, n, idx, count, acc, i);
    }

    static void sumScaled(int[] w, int n, int[] idx, int[] x, int count, int[] acc, int from) {
        final int W = SI.length();
        int i = from;
        for (; i + 8 * W <= n; i += 8 * W) {
            IntVector a0 = IntVector.zero(SI), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            for (int k = 0; k < count; k++) {
                final int b = idx[k] * n + i;
                final int xk = x[k];
                a0 = a0.add(IntVector.fromArray(SI, w, b + 0 * W).mul(xk));
                a1 = a1.add(IntVector.fromArray(SI, w, b + 1 * W).mul(xk));
                a2 = a2.add(IntVector.fromArray(SI, w, b + 2 * W).mul(xk));
                a3 = a3.add(IntVector.fromArray(SI, w, b + 3 * W).mul(xk));
                a4 = a4.add(IntVector.fromArray(SI, w, b + 4 * W).mul(xk));
                a5 = a5.add(IntVector.fromArray(SI, w, b + 5 * W).mul(xk));
                a6 = a6.add(IntVector.fromArray(SI, w, b + 6 * W).mul(xk));
                a7 = a7.add(IntVector.fromArray(SI, w, b + 7 * W).mul(xk));
            }
            a0.intoArray(acc, i + 0 * W);
            a1.intoArray(acc, i + 1 * W);
            a2.intoArray(acc, i + 2 * W);
            a3.intoArray(acc, i + 3 * W);
            a4.intoArray(acc, i + 4 * W);
            a5.intoArray(acc, i + 5 * W);
            a6.intoArray(acc, i + 6 * W);
            a7.intoArray(acc, i + 7 * W);
        }
        for (; i + W <= n; i += W) {
            IntVector a0 = IntVector.zero(SI);
            for (int k = 0; k < count; k++) {
                final int b = idx[k] * n + i;
                final int xk = x[k];
                a0 = a0.add(IntVector.fromArray(SI, w, b + 0).mul(xk));
            }
            a0.intoArray(acc, i);
        }
        Columns.sumScaledTail(w, n, idx, x, count, acc, i);
    }
}
