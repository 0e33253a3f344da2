package dev.myelin.trainer.kernel;

/**
 * {@code exp(x)} in fp32 for the population encoder, computed with exactly the operations of the policy
 * module's edge engines so that the trainer's actor and an exported bundle see the same receptive-field
 * activations bit for bit (the encoder's regular spikes depend on where a running sum crosses 0.999).
 *
 * <p>Cody-Waite range reduction {@code x = n ln2 + r}, n rounded to nearest even with the
 * {@code 1.5 * 2^23} trick and ln 2 split in a high part exact for |n| < 2^9 and a low part; then
 * {@code e^r} by its degree-7 Taylor polynomial in Horner form, and scaling by {@code 2^n} through the
 * exponent bits. Below -87.3 the result is 0, above 88.7 infinity. Stateless; any thread.
 */
public final class EncoderExp {
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693145751953125f;
    private static final float LN2_LO = 1.42860682030941723212e-6f;
    private static final float ROUND = 12582912f;
    private static final float MIN_ARG = -87.3f;
    private static final float MAX_ARG = 88.7f;
    private static final float C2 = 0.5f;
    private static final float C3 = 1f / 6;
    private static final float C4 = 1f / 24;
    private static final float C5 = 1f / 120;
    private static final float C6 = 1f / 720;
    private static final float C7 = 1f / 5040;

    private EncoderExp() {
    }

    public static float exp(float x) {
        if (x < MIN_ARG) {
            return 0f;
        }
        if (x > MAX_ARG) {
            return Float.POSITIVE_INFINITY;
        }
        float n = (x * LOG2E + ROUND) - ROUND;
        float r = (x - n * LN2_HI) - n * LN2_LO;
        float p = 1f + r * (1f + r * (C2 + r * (C3 + r * (C4 + r * (C5 + r * (C6 + r * C7))))));
        return p * Float.intBitsToFloat(((int) n + 127) << 23);
    }
}
