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
 *
 * <p>Public so that other int8 executors (the board emulator) reproduce the engine's arithmetic exactly.
 * Not thread-safe: the accumulation scratch is per instance.
 */
public final class Int8Synapses {
    public static final int MULTIPLIER_BITS = 24;

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

    /** Quantises an fp32 weight matrix {@code [out, in]} (see class doc). */
    public static Int8Synapses quantize(Tensor weight) {
        return new Int8Synapses(weight);
    }

    /**
     * Synapses from already-quantised data: {@code weights} row-major {@code [out][in]} in [-127, 127],
     * one multiplier {@code round(s_i * 2^24)} per output, in [1, 2^40].
     */
    public static Int8Synapses of(int out, int in, byte[] weights, long[] multipliers) {
        if (out <= 0 || in <= 0 || weights.length != (long) out * in || multipliers.length != out) {
            throw new IllegalArgumentException("int8 synapses " + out + "x" + in + " need " + (long) out * in
                    + " weights and " + out + " multipliers, got " + weights.length + " and " + multipliers.length);
        }
        Int8Synapses s = new Int8Synapses(out, in);
        for (int i = 0; i < out; i++) {
            if (multipliers[i] < 1 || multipliers[i] > 1L << 40) {
                throw new IllegalArgumentException("multiplier[" + i + "] = " + multipliers[i] + " is outside [1, 2^40]");
            }
            s.multiplier[i] = multipliers[i];
            s.scale[i] = (float) (multipliers[i] / (double) (1L << MULTIPLIER_BITS));
            for (int j = 0; j < in; j++) {
                byte q = weights[i * in + j];
                if (q == Byte.MIN_VALUE) {
                    throw new IllegalArgumentException("weight[" + i + "][" + j + "] = -128 is outside [-127, 127]");
                }
                s.columns[j * s.stride + i] = q;
            }
        }
        return s;
    }

    private Int8Synapses(int out, int in) {
        this.out = out;
        this.in = in;
        stride = Columns.padded(out);
        columns = new int[in * stride];
        multiplier = new long[out];
        scale = new float[out];
        active = new int[in];
        values = new int[in];
    }

    private Int8Synapses(Tensor weight) {
        this(weight.dim(0), weight.dim(1));
        float[] w = weight.data();
        for (int i = 0; i < out; i++) {
            float max = 0f;
            for (int j = 0; j < in; j++) {
                max = Math.max(max, Math.abs(w[i * in + j]));
            }
            float s = max == 0f ? 1f : max / 127f;
            scale[i] = s;
            multiplier[i] = Math.max(1L, Math.round((double) s * (1L << MULTIPLIER_BITS)));
            for (int j = 0; j < in; j++) {
                columns[j * stride + i] = quantize(w[i * in + j], s);
            }
        }
    }

    public int inputs() {
        return in;
    }

    public int outputs() {
        return out;
    }

    /** Quantised weight of output i from input j. */
    public byte weight(int i, int j) {
        return (byte) columns[j * stride + i];
    }

    /** Row-major {@code [out][in]} copy of the quantised weights. */
    public byte[] weights() {
        byte[] w = new byte[out * in];
        for (int i = 0; i < out; i++) {
            for (int j = 0; j < in; j++) {
                w[i * in + j] = weight(i, j);
            }
        }
        return w;
    }

    /** Per-output multiplier {@code round(s_i * 2^24)}. */
    public long multiplier(int i) {
        return multiplier[i];
    }

    static int quantize(float w, float s) {
        double q = w / (double) s;
        long r = q >= 0 ? (long) Math.floor(q + 0.5) : -(long) Math.floor(-q + 0.5);
        return (int) Math.max(-127, Math.min(127, r));
    }

    /**
     * Integer accumulation over non-negative integer inputs (spikes or spike sums), skipping zeros;
     * returns the number of non-zero inputs. {@code acc} must hold {@code Columns.padded(outputs())}
     * values ({@link #accumulator()} makes one).
     */
    public int accumulateCounts(int[] x, int[] acc) {
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

    /** A zeroed accumulator of the length {@link #accumulateCounts} needs. */
    public int[] accumulator() {
        return new int[stride];
    }

    /** Converts integer sums over spike counts to Q12 currents (see class doc). */
    public void toFixed(int[] acc, int[] current) {
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
