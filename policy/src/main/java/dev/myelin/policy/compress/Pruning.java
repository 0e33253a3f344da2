package dev.myelin.policy.compress;

import java.util.Arrays;

/**
 * Magnitude pruning, per tensor: in each weight matrix the {@code round(fraction * n)} entries of
 * smallest absolute value are set to +0 (ties broken by the lower row-major index, so the result is
 * deterministic). Per tensor rather than one global threshold because fan-in differs between layers
 * (initial weights scale with {@code 1/sqrt(in)}), so a global threshold would strip the widest layer
 * far more than the others. Callable from any thread.
 */
public final class Pruning {

    private Pruning() {
    }

    /** Throws IllegalArgumentException unless {@code 0 <= fraction < 1}. */
    public static double checkFraction(double fraction) {
        if (!(fraction >= 0.0 && fraction < 1.0)) {
            throw new IllegalArgumentException("prune fraction must be in [0, 1), got " + fraction);
        }
        return fraction;
    }

    /** How many of {@code n} entries a prune fraction removes: {@code round(fraction * n)}, half up. */
    public static int prunedCount(int n, double fraction) {
        checkFraction(fraction);
        return (int) Math.min(n, Math.round(fraction * n));
    }

    /** A copy of {@code values} with the {@link #prunedCount} smallest-magnitude entries set to +0. */
    public static float[] prune(float[] values, double fraction) {
        int k = prunedCount(values.length, fraction);
        float[] out = values.clone();
        if (k == 0) {
            return out;
        }
        // For non-negative floats the raw bit pattern orders like the value, so (|w| bits, index) packed
        // in a long sorts by magnitude and then by index without boxing.
        long[] keys = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            keys[i] = ((long) Float.floatToRawIntBits(Math.abs(values[i])) << 32) | i;
        }
        Arrays.sort(keys);
        for (int j = 0; j < k; j++) {
            out[(int) keys[j]] = 0f;
        }
        return out;
    }
}
