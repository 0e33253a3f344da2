package dev.myelin.policy.engine;

import dev.myelin.policy.model.Normalizer;

/** Validates and normalises raw observations: {@code o' = clamp((o - mean) / sqrt(var + eps), -clip, clip)}. */
final class Observations {
    private final float[] mean;
    private final float[] invStd;
    private final float clip;

    Observations(Normalizer n) {
        mean = n.mean();
        invStd = n.inverseStd();
        clip = n.clip();
    }

    int size() {
        return mean.length;
    }

    /** Checks {@code raw} before any state changes; throws naming the bad element. */
    void check(float[] raw) {
        if (raw.length != mean.length) {
            throw new IllegalArgumentException("observation has " + raw.length + " values, the policy takes " + mean.length);
        }
        for (int i = 0; i < raw.length; i++) {
            if (!Float.isFinite(raw[i])) {
                throw new IllegalArgumentException("observation[" + i + "] is not finite: " + raw[i]);
            }
        }
    }

    void normalize(float[] raw, float[] out) {
        for (int i = 0; i < mean.length; i++) {
            float x = (raw[i] - mean[i]) * invStd[i];
            out[i] = Math.max(-clip, Math.min(clip, x));
        }
    }
}
