package dev.myelin.sim.random;

/**
 * SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014),
 * kept as a bare {@code long} so that a batch of worlds can hold one generator each in a
 * {@code long[]} and draw without allocating.
 *
 * <p>Usage: {@code state += SplitMix.GAMMA; long bits = SplitMix.mix(state);}. Static and stateless;
 * any thread.
 */
public final class SplitMix {
    /** The golden-ratio increment added to the state before every draw. */
    public static final long GAMMA = 0x9E3779B97F4A7C15L;

    private static final double DOUBLE_UNIT = 0x1.0p-53;
    private static final float FLOAT_UNIT = 0x1.0p-24f;

    private SplitMix() {
    }

    /** The SplitMix64 output function (variant 13 of Stafford's mix). */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Initial state for stream {@code index} derived from a user seed; distinct indices give unrelated streams. */
    public static long stream(long seed, long index) {
        return mix(mix(seed) + (index + 1) * 0xD1B54A32D192ED03L);
    }

    /** Advances {@code state[i]} and returns 64 random bits. */
    public static long next(long[] state, int i) {
        long s = state[i] + GAMMA;
        state[i] = s;
        return mix(s);
    }

    /** Uniform double in [0, 1) from {@code state[i]}. */
    public static double nextDouble(long[] state, int i) {
        return (next(state, i) >>> 11) * DOUBLE_UNIT;
    }

    /** Uniform double in [0, 1) from 64 random bits. */
    public static double toDouble(long bits) {
        return (bits >>> 11) * DOUBLE_UNIT;
    }

    /** Uniform float in [0, 1) from the top 24 of 64 random bits. */
    public static float toFloat(long bits) {
        return (bits >>> 40) * FLOAT_UNIT;
    }

    /** Standard normal deviate by the Box-Muller transform; for per-episode sampling, not per-beam noise. */
    public static double nextGaussian(long[] state, int i) {
        double u1 = 1.0 - nextDouble(state, i); // (0, 1]: log is finite
        double u2 = nextDouble(state, i);
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
