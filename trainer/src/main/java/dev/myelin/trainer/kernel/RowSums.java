package dev.myelin.trainer.kernel;

import jdk.incubator.vector.FloatVector;

import static dev.myelin.trainer.kernel.Gemm.L;
import static dev.myelin.trainer.kernel.Gemm.S;

/**
 * Event-driven products with binary (spike) matrices: instead of multiplying by zeros and ones, add
 * the rows that the spikes select. For a spike matrix X (0/1) this gives
 * <pre>
 *   forward:          I[b] = sum_{j : X[b][j] = 1} W[j]        (I = X W)
 *   weight gradient:  dW[j] = sum_{b : X[b][j] = 1} dI[b]      (dW = X^T dI)
 * </pre>
 * at a cost proportional to the number of spikes. The terms are added in index order, starting from
 * zero. Allocation-free; any thread, on disjoint outputs.
 */
public final class RowSums {

    private RowSums() {
    }

    /**
     * {@code dst[dOff + 0..n) (+)= sum_q src[sOff + idx[q] * lds + 0..n)} for {@code q < count}.
     */
    public static void sum(float[] src, int sOff, int lds, int[] idx, int idxOff, int count, float[] dst, int dOff,
                           int n, boolean accumulate) {
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int q = 0; q < count; q++) {
                int p = sOff + idx[idxOff + q] * lds + j;
                a0 = a0.add(FloatVector.fromArray(S, src, p));
                a1 = a1.add(FloatVector.fromArray(S, src, p + L));
                a2 = a2.add(FloatVector.fromArray(S, src, p + 2 * L));
                a3 = a3.add(FloatVector.fromArray(S, src, p + 3 * L));
            }
            store(a0, dst, dOff + j, accumulate);
            store(a1, dst, dOff + j + L, accumulate);
            store(a2, dst, dOff + j + 2 * L, accumulate);
            store(a3, dst, dOff + j + 3 * L, accumulate);
        }
        for (; j + L <= n; j += L) {
            FloatVector a0 = FloatVector.zero(S);
            for (int q = 0; q < count; q++) {
                a0 = a0.add(FloatVector.fromArray(S, src, sOff + idx[idxOff + q] * lds + j));
            }
            store(a0, dst, dOff + j, accumulate);
        }
        for (; j < n; j++) {
            float s = 0f;
            for (int q = 0; q < count; q++) {
                s += src[sOff + idx[idxOff + q] * lds + j];
            }
            dst[dOff + j] = accumulate ? dst[dOff + j] + s : s;
        }
    }

    private static void store(FloatVector v, float[] dst, int at, boolean accumulate) {
        if (accumulate) {
            v = v.add(FloatVector.fromArray(S, dst, at));
        }
        v.intoArray(dst, at);
    }
}
