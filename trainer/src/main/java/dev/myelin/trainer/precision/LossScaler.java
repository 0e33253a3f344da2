package dev.myelin.trainer.precision;

import dev.myelin.trainer.nn.Parameters;

/**
 * Dynamic loss scaling for reduced-precision training (Micikevicius et al. 2018; PyTorch's GradScaler):
 * the loss gradient is multiplied by {@code scale} before the backward pass so small gradients survive
 * fp16; the master gradients are divided by it afterwards. If any is infinite or NaN the step is skipped
 * and the scale halved; after {@code growthInterval} good steps in a row it doubles. One scaler per
 * optimizer. With fp32 the scale stays 1 and nothing is ever skipped unless gradients are non-finite.
 * The training thread.
 */
public final class LossScaler {
    private final boolean dynamic;
    private final int growthInterval;
    private float scale;
    private int goodSteps;
    private long skipped;

    /** @param dynamic false for fp32: scale fixed at 1 */
    public LossScaler(boolean dynamic, float initialScale, int growthInterval) {
        if (dynamic && (!(initialScale >= 1f) || !Float.isFinite(initialScale))) {
            throw new IllegalArgumentException("initial loss scale must be >= 1 and finite, got " + initialScale);
        }
        if (growthInterval < 1) {
            throw new IllegalArgumentException("loss scale growth interval must be >= 1, got " + growthInterval);
        }
        this.dynamic = dynamic;
        this.scale = dynamic ? initialScale : 1f;
        this.growthInterval = growthInterval;
    }

    /** The factor to multiply the loss gradient by. */
    public float scale() {
        return scale;
    }

    /**
     * Multiplies the gradients by {@code factor / scale} (the factor folds in averaging over ranks) and
     * checks them. Returns whether the optimizer may step; on overflow the gradients are left as they are,
     * the step must be skipped, and the scale is lowered.
     */
    public boolean unscale(Parameters p, float factor) {
        float[] g = p.gradients();
        float k = factor / scale;
        boolean finite = true;
        for (int i = 0; i < g.length; i++) {
            float x = g[i] * k;
            g[i] = x;
            // x - x is NaN exactly when x is infinite or NaN
            finite &= x - x == 0f;
        }
        update(finite);
        return finite;
    }

    private void update(boolean finite) {
        if (!finite) {
            skipped++;
            goodSteps = 0;
            if (dynamic) {
                scale = Math.max(1f, scale * 0.5f);
            }
            return;
        }
        if (dynamic && ++goodSteps >= growthInterval) {
            goodSteps = 0;
            float grown = scale * 2f;
            if (Float.isFinite(grown) && grown <= 0x1p24f) {
                scale = grown;
            }
        }
    }

    /** Steps skipped because of non-finite gradients. */
    public long skipped() {
        return skipped;
    }

    /** State for checkpoints: scale bits, good steps, skipped steps. */
    public long[] state() {
        return new long[] {Float.floatToRawIntBits(scale), goodSteps, skipped};
    }

    public void restore(long[] s) {
        if (s.length != 3) {
            throw new IllegalArgumentException("loss scaler state must be 3 numbers");
        }
        scale = Float.intBitsToFloat((int) s[0]);
        goodSteps = (int) s[1];
        skipped = s[2];
    }
}
