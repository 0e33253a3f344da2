package dev.myelin.policy.engine;

/**
 * Column-sum kernels of the synapse accumulation over a list of active inputs:
 * <pre>
 *   sum:       acc[i] = sum_k w[idx[k] * n + i]                 (binary inputs)
 *   sumScaled: acc[i] = sum_k w[idx[k] * n + i] * x[k]          (graded inputs)
 * </pre>
 * For every output i the terms are added in the order of {@code idx}, starting from zero, so the
 * result does not depend on how the outputs are blocked. They use the JDK Vector API when the
 * {@code jdk.incubator.vector} module is present ({@code --add-modules jdk.incubator.vector}, as
 * {@code ./myelin} and the tests run) and plain loops otherwise; lane-wise vector adds and multiplies
 * are IEEE-identical to scalar ones (no fused multiply-add), so results do not depend on the choice.
 */
final class Columns {
    static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !Boolean.getBoolean("myelin.scalar");

    private Columns() {
    }

    /**
     * Output widths are padded to a multiple of 16 lanes (zero weights in the padding) so that the
     * vector kernels never fall back to scalar tails; accumulators must be at least this long.
     */
    static int padded(int n) {
        return (n + 15) & ~15;
    }

    static void sum(float[] w, int n, int[] idx, int count, float[] acc) {
        if (VECTOR) {
            VectorColumns.sum(w, n, idx, count, acc, 0);
        } else {
            sumTail(w, n, idx, count, acc, 0);
        }
    }

    static void sumScaled(float[] w, int n, int[] idx, float[] x, int count, float[] acc) {
        if (VECTOR) {
            VectorColumns.sumScaled(w, n, idx, x, count, acc, 0);
        } else {
            sumScaledTail(w, n, idx, x, count, acc, 0);
        }
    }

    static void sum(int[] w, int n, int[] idx, int count, int[] acc) {
        if (VECTOR) {
            VectorColumns.sum(w, n, idx, count, acc, 0);
        } else {
            sumTail(w, n, idx, count, acc, 0);
        }
    }

    static void sumScaled(int[] w, int n, int[] idx, int[] x, int count, int[] acc) {
        if (VECTOR) {
            VectorColumns.sumScaled(w, n, idx, x, count, acc, 0);
        } else {
            sumScaledTail(w, n, idx, x, count, acc, 0);
        }
    }

    /** Scalar kernels for outputs {@code from..n}. */
    static void sumTail(float[] w, int n, int[] idx, int count, float[] acc, int from) {
        for (int i = from; i < n; i++) {
            float a = 0f;
            for (int k = 0; k < count; k++) {
                a += w[idx[k] * n + i];
            }
            acc[i] = a;
        }
    }

    static void sumScaledTail(float[] w, int n, int[] idx, float[] x, int count, float[] acc, int from) {
        for (int i = from; i < n; i++) {
            float a = 0f;
            for (int k = 0; k < count; k++) {
                a += w[idx[k] * n + i] * x[k];
            }
            acc[i] = a;
        }
    }

    static void sumTail(int[] w, int n, int[] idx, int count, int[] acc, int from) {
        for (int i = from; i < n; i++) {
            int a = 0;
            for (int k = 0; k < count; k++) {
                a += w[idx[k] * n + i];
            }
            acc[i] = a;
        }
    }

    static void sumScaledTail(int[] w, int n, int[] idx, int[] x, int count, int[] acc, int from) {
        for (int i = from; i < n; i++) {
            int a = 0;
            for (int k = 0; k < count; k++) {
                a += w[idx[k] * n + i] * x[k];
            }
            acc[i] = a;
        }
    }
}
