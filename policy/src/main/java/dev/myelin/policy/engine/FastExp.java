package dev.myelin.policy.engine;

/**
 * {@code exp(x)} in fp32 for the encoder's receptive fields, within 2 ulp of {@link Math#exp} and
 * several times faster: {@code x = n ln2 + r} with {@code |r| <= ln2 / 2}, a degree-7 Taylor polynomial
 * for {@code e^r} (truncation error below 2^-27 on that interval), then scaling by {@code 2^n}.
 * Every engine uses it, so engines agree exactly; results below 2^-126 flush to zero.
 */
final class FastExp {
    private static final float LOG2E = 1.44269504088896341f;
    /** ln 2 split so that {@code n * LN2_HI} is exact for |n| < 2^9. */
    private static final float LN2_HI = 0.693145751953125f;
    private static final float LN2_LO = 1.42860682030941723212e-6f;

    private FastExp() {
    }

    static float exp(float x) {
        if (x < -87.3f) {
            return 0f;
        }
        if (x > 88.7f) {
            return Float.POSITIVE_INFINITY;
        }
        float n = (float) Math.rint(x * LOG2E);
        float r = (x - n * LN2_HI) - n * LN2_LO;
        float p = 1f + r * (1f + r * (0.5f + r * (1f / 6 + r * (1f / 24 + r * (1f / 120 + r * (1f / 720 + r * (1f / 5040)))))));
        int e = (int) n;
        if (e < -126) {
            return 0f;
        }
        return p * Float.intBitsToFloat((e + 127) << 23);
    }
}
