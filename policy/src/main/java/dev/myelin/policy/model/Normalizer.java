package dev.myelin.policy.model;

/**
 * Observation normalisation that travels with the policy (PopSAN: running mean/variance, clipped):
 * {@code o' = clamp((o - mean) / sqrt(var + 1e-8), -clip, clip)}.
 */
public record Normalizer(float[] mean, float[] var, float clip) {

    public static final float EPSILON = 1e-8f;

    public Normalizer {
        if (mean == null || var == null || mean.length != var.length) {
            throw new IllegalArgumentException("normalizer: mean and var must have the same length");
        }
        for (int i = 0; i < mean.length; i++) {
            if (!Float.isFinite(mean[i])) {
                throw new IllegalArgumentException("normalizer: mean[" + i + "] is not finite: " + mean[i]);
            }
            if (!(var[i] >= 0f) || !Float.isFinite(var[i])) {
                throw new IllegalArgumentException("normalizer: var[" + i + "] must be finite and >= 0, got " + var[i]);
            }
        }
        if (!(clip > 0f) || !Float.isFinite(clip)) {
            throw new IllegalArgumentException("normalizer: clip must be positive and finite, got " + clip);
        }
        mean = mean.clone();
        var = var.clone();
    }

    /** Identity statistics (mean 0, variance 1) with PopSAN's clip of 3. */
    public static Normalizer identity(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return new Normalizer(new float[n], v, 3f);
    }

    public int size() {
        return mean.length;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] var() {
        return var.clone();
    }

    /** Precomputed {@code 1 / sqrt(var + eps)}; engines cache it. */
    public float[] inverseStd() {
        float[] s = new float[var.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (1.0 / Math.sqrt(var[i] + EPSILON));
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalizer n && java.util.Arrays.equals(mean, n.mean) && java.util.Arrays.equals(var, n.var)
                && clip == n.clip;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(mean) * 31 + java.util.Arrays.hashCode(var);
    }
}
