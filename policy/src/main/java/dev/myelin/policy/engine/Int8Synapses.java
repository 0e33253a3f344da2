package dev.myelin.policy.engine;

import dev.myelin.policy.model.Tensor;

/**
 * Int8 synapses with one scale per output channel (row of {@code W [out, in]}):
 * {@code q_ij = round(w_ij / s_i)}, {@code s_i = max_j |w_ij| / 127} (round half away from zero).
 *
 * <p>Accumulation is exact in integers; the sum is converted to the neuron state's fixed-point format
 * (Q{@value FixedPoint#FRACTION_BITS}) with a per-channel multiplier {@code m_i = round(s_i * 2^24)}:
 * {@code I_i = round(acc_i * s_i * 2^12 / 2^f)} computed as {@code (acc_i * m_i + 2^(k-1)) >> k} with
 * {@code k = 24 - 12 + f}, where f is the input's fraction bits (0 for spike counts, 12 for Q12 inputs).
 * The result saturates to the 24-bit state range.
 */
final class Int8Synapses {
    static final int MULTIPLIER_BITS = 24;

    final int in;
    final int out;
    /** Column length: {@code out} padded with zero weights, see {@link Columns#padded}. */
    final int stride;
    /** Transposed int8 weights, one contiguous column per input, widened to int for the column kernels. */
    final int[] columns;
    /** Per-output-channel multiplier, see class doc. */
    final long[] multiplier;
    final float[] scale;
    private final int[] active;
    private final int[] values;

    Int8Synapses(Tensor weight) {
        out = weight.dim(0);
        in = weight.dim(1);
        float[] w = weight.data();
        stride = Columns.padded(out);
        columns = new int[in * stride];
        multiplier = new long[out];
        scale = new float[out];
        active = new int[in];
        values = new int[in];
        for (int i = 0; i < out; i++) {
            float max = 0f;
            for (int j = 0; j < in; j++) {
                max = Math.max(max, Math.abs(w[i * in + j]));
            }
            float s = max == 0f ? 1f : max / 127f;
            scale[i] = s;
            multiplier[i] = Math.round((double) s * (1L << MULTIPLIER_BITS));
            for (int j = 0; j < in; j++) {
                columns[j * stride + i] = quantize(w[i * in + j], s);
            }
        }
    }

    static int quantize(float w, float s) {
        double q = w / (double) s;
        long r = q >= 0 ? (long) Math.floor(q + 0.5) : -(long) Math.floor(-q + 0.5);
        return (int) Math.max(-127, Math.min(127, r));
    }

    /**
     * Integer accumulation over non-negative integer inputs (spikes or spike sums), skipping zeros;
     * returns the number of non-zero inputs.
     */
    int accumulateCounts(int[] x, int[] acc) {
        int count = 0;
        boolean binary = true;
        for (int j = 0; j < in; j++) {
            final int xj = x[j];
            if (xj != 0) {
                active[count] = j;
                values[count++] = xj;
                binary &= xj == 1;
            }
        }
        if (binary) {
            Columns.sum(columns, stride, active, count, acc);
        } else {
            Columns.sumScaled(columns, stride, active, values, count, acc);
        }
        return count;
    }

    /** Converts integer sums over spike counts to Q12 currents (see class doc). */
    void toFixed(int[] acc, int[] current) {
        final int k = MULTIPLIER_BITS - FixedPoint.FRACTION_BITS;
        final long half = 1L << (k - 1);
        for (int i = 0; i < out; i++) {
            current[i] = FixedPoint.saturate((acc[i] * multiplier[i] + half) >> k);
        }
    }

    /**
     * Real-valued input in Q12: {@code current = W x}, accumulated exactly in 64 bits (inputs are
     * 24-bit, weights 8-bit, so any realistic fan-in stays far below 2^63 / 2^24).
     */
    void projectFixed(int[] xQ12, long[] wide, int[] current) {
        java.util.Arrays.fill(wide, 0, out, 0L);
        final int[] w = columns;
        final int n = stride;
        for (int j = 0; j < in; j++) {
            final long xj = xQ12[j];
            if (xj == 0) {
                continue;
            }
            final int base = j * n;
            for (int i = 0; i < n; i++) {
                wide[i] += w[base + i] * xj;
            }
        }
        final int k = MULTIPLIER_BITS;
        final long half = 1L << (k - 1);
        for (int i = 0; i < out; i++) {
            current[i] = FixedPoint.saturate((wide[i] * multiplier[i] + half) >> k);
        }
    }
}
