package dev.myelin.policy.engine;

import dev.myelin.policy.model.CubaLif;

/**
 * A population of {@link CubaLif} neurons in fp32 (PopSAN):
 * {@code c = cd c + I + b; v = vd v (1 - s) + c; s = v > th}. State is zeroed by {@link #clear()}.
 */
final class FloatLif {
    final int size;
    final float[] c;
    final float[] v;
    /** Spikes of the last step. */
    final Spikes out;
    /** Alias of {@code out.dense}: 0 or 1 per neuron. */
    final float[] s;
    private final float cd;
    private final float vd;
    private final float th;

    FloatLif(int size, CubaLif p) {
        this.size = size;
        c = new float[size];
        v = new float[size];
        out = new Spikes(size);
        s = out.dense;
        cd = p.currentDecay();
        vd = p.voltageDecay();
        th = p.threshold();
    }

    void clear() {
        java.util.Arrays.fill(c, 0f);
        java.util.Arrays.fill(v, 0f);
        out.clear();
    }

    /** One timestep with synaptic input {@code current} and bias {@code bias} (may be null); returns spikes. */
    int step(float[] current, float[] bias) {
        int n = Columns.VECTOR
                ? VectorNeurons.lifStep(c, v, s, out.fired, current, bias, cd, vd, th, size)
                : stepScalar(c, v, s, out.fired, 0, current, bias, cd, vd, th, 0, size);
        out.count = n;
        return n;
    }

    /**
     * The scalar update of neurons {@code from..size}, appending fired neurons to {@code fired} from
     * position {@code n}; returns the new length of the list. Also the vector kernel's tail.
     */
    static int stepScalar(float[] c, float[] v, float[] s, int[] fired, int n, float[] current, float[] bias,
                          float cd, float vd, float th, int from, int size) {
        for (int i = from; i < size; i++) {
            float ci = cd * c[i] + current[i];
            if (bias != null) {
                ci += bias[i];
            }
            c[i] = ci;
            float vi = (s[i] != 0f ? 0f : vd * v[i]) + ci;
            v[i] = vi;
            if (vi > th) {
                s[i] = 1f;
                fired[n++] = i;
            } else {
                s[i] = 0f;
            }
        }
        return n;
    }
}
