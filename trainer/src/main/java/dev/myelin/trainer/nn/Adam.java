package dev.myelin.trainer.nn;

/**
 * Adam (Kingma and Ba 2015) over a {@link Parameters} block, in the form PyTorch implements it:
 * <pre>
 *   m = b1 m + (1 - b1) g ;  v = b2 v + (1 - b2) g^2
 *   p -= (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 * Moments are fp32 and belong to the master (fp32) weights. Allocation-free; the training thread only.
 */
public final class Adam {
    private final Parameters params;
    private final float lr;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float[] m;
    private final float[] v;
    private long step;

    public Adam(Parameters params, float lr) {
        this(params, lr, 0.9f, 0.999f, 1e-8f);
    }

    public Adam(Parameters params, float lr, float beta1, float beta2, float eps) {
        if (!(lr > 0f) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException("learning rate must be positive and finite, got " + lr);
        }
        this.params = params;
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        m = new float[params.size()];
        v = new float[params.size()];
    }

    /** Applies one step with the parameters' current gradients. */
    public void step() {
        step++;
        double bc1 = 1.0 - Math.pow(beta1, step);
        double bc2 = 1.0 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float invSqrtBc2 = (float) (1.0 / Math.sqrt(bc2));
        float[] p = params.values();
        float[] g = params.gradients();
        float b1 = beta1;
        float b2 = beta2;
        float c1 = 1f - beta1;
        float c2 = 1f - beta2;
        for (int i = 0; i < p.length; i++) {
            float gi = g[i];
            float mi = b1 * m[i] + c1 * gi;
            float vi = b2 * v[i] + c2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] -= stepSize * mi / ((float) Math.sqrt(vi) * invSqrtBc2 + eps);
        }
    }

    public float learningRate() {
        return lr;
    }

    /** Steps taken (the bias-correction exponent). */
    public long steps() {
        return step;
    }

    /** First moments (live; for checkpoints). */
    public float[] firstMoments() {
        return m;
    }

    /** Second moments (live; for checkpoints). */
    public float[] secondMoments() {
        return v;
    }

    /** Restores the step count (moments are restored through the live arrays). */
    public void restoreSteps(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("optimizer step count must be >= 0, got " + steps);
        }
        this.step = steps;
    }
}
