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
 */
final class FixedLif {
    final int size;
    final int[] c;
    final int[] v;
    /** Spikes of the last step, 0 or 1. */
    final int[] s;
    final int currentDecay;
    final int voltageDecay;
    final int threshold;

    FixedLif(int size, CubaLif p) {
        this.size = size;
        c = new int[size];
        v = new int[size];
        s = new int[size];
        currentDecay = FixedPoint.decay(p.currentDecay());
        voltageDecay = FixedPoint.decay(p.voltageDecay());
        threshold = FixedPoint.toFixed(p.threshold());
    }

    void clear() {
        java.util.Arrays.fill(c, 0);
        java.util.Arrays.fill(v, 0);
        java.util.Arrays.fill(s, 0);
    }

    /** One timestep with Q12 input {@code current} and Q12 {@code bias} (may be null); returns spikes. */
    int step(int[] current, int[] bias) {
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

    static int[] fixedBias(float[] bias) {
        int[] q = new int[bias.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = FixedPoint.toFixed(bias[i]);
        }
        return q;
    }
}
