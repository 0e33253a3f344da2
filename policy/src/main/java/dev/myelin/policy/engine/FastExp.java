package dev.myelin.policy.engine;

/**
 * {@code exp(x)} in fp32 for the encoder's receptive fields, within 2 ulp of {@link Math#exp} and
 * several times faster: {@code x = n ln2 + r} with {@code |r| <= ln2 / 2}, a degree-7 Taylor polynomial
 * for {@code e^r} (truncation error below 2^-27 on that interval), then scaling by {@code 2^n}.
 * n is rounded with the 1.5 * 2^23 trick (round half to even), which the vector form
 * ({@link VectorNeurons#exp}) repeats operation for operation, so both give the same bits.
 * Results below 2^-126 flush to zero.
 *
 * <p>The trainer's population encoder calls this same method, so a trained actor and its exported
 * bundle see the same receptive-field activations bit for bit (the encoder's regular spikes depend on
 * where a running sum crosses its threshold). Stateless; any thread.
 */
public final class FastExp {
    static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split so that {@code n * LN2_HI} is exact for |n| < 2^9. */
    static final float LN2_HI = 0.693145751953125f;
    static final float LN2_LO = 1.42860682030941723212e-6f;
    static final float ROUND = 12582912f;
    static final float MIN_ARG = -87.3f;
    static final float MAX_ARG = 88.7f;
    static final float C2 = 0.5f;
    static final float C3 = 1f / 6;
    static final float C4 = 1f / 24;
    static final float C5 = 1f / 120;
    static final float C6 = 1f / 720;
    static final float C7 = 1f / 5040;

    private FastExp() {
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
