package dev.myelin.policy.engine;

import dev.myelin.policy.model.CubaLif;

/**
 * {@link CubaLif} neurons in the int8 engine's fixed-point format ({@link FixedPoint}):
 * <pre>
 *   c = sat24(scale(c, CD) + I + b)
 *   v = sat24((s ? 0 : scale(v, VD)) + c)
 *   s = v > TH
 * </pre>
 * with {@code CD = round(4096 currentDecay)}, {@code VD = round(4096 voltageDecay)}, {@code TH = Q12(threshold)}.
 * Public so that other int8 executors (the board emulator) reproduce the engine's arithmetic exactly.
 */
public final class FixedLif {
    final int size;
    final int[] c;
    final int[] v;
    /** Spikes of the last step, 0 or 1. */
    final int[] s;
    final int currentDecay;
    final int voltageDecay;
    final int threshold;

    FixedLif(int size, CubaLif p) {
        this(size, FixedPoint.decay(p.currentDecay()), FixedPoint.decay(p.voltageDecay()), FixedPoint.toFixed(p.threshold()));
    }

    /** Neurons with 12-bit decays in [0, 4096] and a positive Q12 threshold. */
    public FixedLif(int size, int currentDecay, int voltageDecay, int threshold) {
        if (size <= 0 || currentDecay < 0 || currentDecay > FixedPoint.ONE || voltageDecay < 0
                || voltageDecay > FixedPoint.ONE || threshold <= 0 || threshold > FixedPoint.MAX) {
            throw new IllegalArgumentException("fixed-point LIF: size " + size + ", decays " + currentDecay + "/"
                    + voltageDecay + " (0..4096), threshold " + threshold + " (1..2^23-1)");
        }
        this.size = size;
        c = new int[size];
        v = new int[size];
        s = new int[size];
        this.currentDecay = currentDecay;
        this.voltageDecay = voltageDecay;
        this.threshold = threshold;
    }

    public int size() {
        return size;
    }

    public int currentDecay() {
        return currentDecay;
    }

    public int voltageDecay() {
        return voltageDecay;
    }

    public int threshold() {
        return threshold;
    }

    /** Spikes of the last step (0 or 1 per neuron); a live view, valid until the next step. */
    public int[] spikes() {
        return s;
    }

    public void clear() {
        java.util.Arrays.fill(c, 0);
        java.util.Arrays.fill(v, 0);
        java.util.Arrays.fill(s, 0);
    }

    /** One timestep with Q12 input {@code current} and Q12 {@code bias} (may be null); returns spikes. */
    public int step(int[] current, int[] bias) {
        int spikes = 0;
        for (int i = 0; i < size; i++) {
            long ci = (long) FixedPoint.scale(c[i], currentDecay) + current[i];
            if (bias != null) {
                ci += bias[i];
            }
            int cs = FixedPoint.saturate(ci);
            c[i] = cs;
            int vi = FixedPoint.saturate((long) (s[i] != 0 ? 0 : FixedPoint.scale(v[i], voltageDecay)) + cs);
            v[i] = vi;
            int fire = vi > threshold ? 1 : 0;
            s[i] = fire;
            spikes += fire;
        }
        return spikes;
    }

    /** Q12 biases for fp32 ones. */
    public static int[] fixedBias(float[] bias) {
        int[] q = new int[bias.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = FixedPoint.toFixed(bias[i]);
        }
        return q;
    }
}
