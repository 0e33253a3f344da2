package dev.myelin.policy.engine;

/**
 * The int8 engine's number format, shared with the board emulator so that both compute the same bits.
 *
 * <ul>
 *   <li>Neuron state (current, voltage, gated current) and thresholds: signed Q12 fixed point
 *       (value = raw / 4096) held in an int and saturated to 24 bits, [-2^23, 2^23 - 1], as on Loihi.</li>
 *   <li>Decays: 12-bit multipliers with unity 4096 ({@code round(decay * 4096)}); a decay step is
 *       {@code (x * d + 2048) >> 12} (round half up, arithmetic shift).</li>
 *   <li>Weights: int8 with a per-output-channel scale (see {@link Int8Synapses}).</li>
 *   <li>Real-valued inputs (normalised observations, transformer tokens) are quantised to Q12 with
 *       round-half-away-from-zero and saturated to 24 bits.</li>
 * </ul>
 */
final class FixedPoint {
    static final int FRACTION_BITS = 12;
    static final int ONE = 1 << FRACTION_BITS;
    static final int MAX = (1 << 23) - 1;
    static final int MIN = -(1 << 23);

    private FixedPoint() {
    }

    static int saturate(long x) {
        return (int) Math.max(MIN, Math.min(MAX, x));
    }

    /** Quantises a real value to saturated Q12. */
    static int toFixed(float x) {
        double q = x * (double) ONE;
        long r = q >= 0 ? (long) Math.floor(q + 0.5) : -(long) Math.floor(-q + 0.5);
        return saturate(r);
    }

    static float toFloat(int q) {
        return q / (float) ONE;
    }

    /** 12-bit decay multiplier for a decay factor in [0, 1]. */
    static int decay(float factor) {
        return Math.round(factor * ONE);
    }

    /** {@code x * d / 4096}, rounded half up. */
    static int scale(int x, int d) {
        return (int) (((long) x * d + (ONE >> 1)) >> FRACTION_BITS);
    }
}
