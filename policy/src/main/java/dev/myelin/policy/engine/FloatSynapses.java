package dev.myelin.policy.engine;

import dev.myelin.policy.model.Tensor;

/**
 * A weight matrix {@code W [out, in]} stored transposed ({@code [in][out]}, one contiguous column
 * per input) so that input j's contribution is one contiguous vector add.
 *
 * <p>{@link #project} computes {@code acc = W x} with the same floating-point operations in the same
 * order in both modes: for every output i, starting from +0, {@code acc[i] += W[i][j] * x[j]} for
 * the inputs j in ascending order. The dense mode visits every input; the event-driven mode only
 * the non-zero ones, which leaves every sum bit-identical (adding a product with zero never changes
 * a float sum that started at +0), and adds the column itself when every active input is 1 (the
 * product is exact). Hence {@code dense} and {@code event} agree bit for bit.
 */
final class FloatSynapses {
    final int in;
    final int out;
    /** Column length: {@code out} padded with zero weights, see {@link Columns#padded}. */
    final int stride;
    private final float[] columns;
    private final boolean eventDriven;
    /** Indices 0..in-1: the dense product visits every input. */
    private final int[] all;
    private final int[] active;
    private final float[] values;

    FloatSynapses(Tensor weight, boolean eventDriven) {
        this.out = weight.dim(0);
        this.in = weight.dim(1);
        this.eventDriven = eventDriven;
        all = new int[in];
        for (int j = 0; j < in; j++) {
            all[j] = j;
        }
        active = new int[in];
        values = new float[in];
        float[] w = weight.data();
        stride = Columns.padded(out);
        columns = new float[in * stride];
        for (int i = 0; i < out; i++) {
            for (int j = 0; j < in; j++) {
                columns[j * stride + i] = w[i * in + j];
            }
        }
    }

    /**
     * {@code acc[0..out) = W x} (acc must hold {@link #stride} values); returns the number of non-zero inputs (for SynOp counting).
     */
    int project(float[] x, float[] acc) {
        int count = 0;
        if (eventDriven) {
            boolean binary = true;
            for (int j = 0; j < in; j++) {
                final float xj = x[j];
                if (xj != 0f) {
                    active[count] = j;
                    values[count++] = xj;
                    binary &= xj == 1f;
                }
            }
            if (binary) {
                Columns.sum(columns, stride, active, count, acc);
            } else {
                Columns.sumScaled(columns, stride, active, values, count, acc);
            }
            return count;
        }
        for (int j = 0; j < in; j++) {
            count += x[j] != 0f ? 1 : 0;
        }
        Columns.sumScaled(columns, stride, all, x, in, acc);
        return count;
    }

    /** {@code acc = W s} for a spike vector; returns the number of spikes. */
    int project(Spikes x, float[] acc) {
        if (eventDriven) {
            Columns.sum(columns, stride, x.fired, x.count, acc);
        } else {
            Columns.sumScaled(columns, stride, all, x.dense, in, acc);
        }
        return x.count;
    }

    /** Real-valued input (no spikes to exploit): the dense product in both modes. */
    void projectReal(float[] x, float[] acc) {
        Columns.sumScaled(columns, stride, all, x, in, acc);
    }
}
