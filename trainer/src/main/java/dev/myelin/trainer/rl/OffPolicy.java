package dev.myelin.trainer.rl;

import dev.myelin.trainer.nn.PopSanActor;
import dev.myelin.trainer.nn.RandomStream;

/**
 * The per-element formulas of TD3 and SAC ({@link Td3}, {@link Sac}, and {@link TwinCritics} through which they
 * compute), so that every target, sample and log-likelihood is computed with the same float and double
 * operations in the same order, whatever the actor. Actions are in [-1, 1] units of each channel's range. Stateless; any thread.
 */
public final class OffPolicy {
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
    private static final double LOG2 = Math.log(2);

    private OffPolicy() {
    }

    public static float clip(float x, float lo, float hi) {
        return Math.max(lo, Math.min(hi, x));
    }

    /** TD3's exploration: {@code clip(u + N(0, sigma), -1, 1)}. */
    public static float explore(float u, float sigma, RandomStream rnd) {
        return clip(u + (float) (sigma * rnd.nextGaussian()), -1f, 1f);
    }

    /** TD3's target policy smoothing noise: {@code clip(N(0, sigma), -noiseClip, noiseClip)}. */
    public static float smoothingNoise(float sigma, float noiseClip, RandomStream rnd) {
        return clip((float) (sigma * rnd.nextGaussian()), -noiseClip, noiseClip);
    }

    /**
     * TD3's target policy smoothing noise for {@code n} target actions, drawn in order into {@code into}: an update
     * draws all of it before its critic step, so the draws do not depend on how the rows are split.
     */
    public static void smoothingNoise(float[] into, int n, float sigma, float noiseClip, RandomStream rnd) {
        for (int i = 0; i < n; i++) {
            into[i] = smoothingNoise(sigma, noiseClip, rnd);
        }
    }

    /** A smoothed target action {@code clip(u' + e, -1, 1)}: the target actor's action with its noise. */
    public static float smoothedTargetAction(float u, float e) {
        return clip(u + e, -1f, 1f);
    }

    /** TD3's critic target {@code r + gamma (1 - d) min(t1, t2)}. */
    public static float td3Target(float reward, float gamma, float terminal, float t1, float t2) {
        return reward + gamma * (1f - terminal) * Math.min(t1, t2);
    }

    /** SAC's soft critic target {@code r + gamma (1 - d) (min(t1, t2) - alpha log pi)}. */
    public static float sacTarget(float reward, float gamma, float terminal, float t1, float t2, float alpha, float logp) {
        return reward + gamma * (1f - terminal) * (Math.min(t1, t2) - alpha * logp);
    }

    /** {@code log_std} clamped to PopSAN's [-20, 2]. */
    public static float clampLogStd(float x) {
        return Math.max(PopSanActor.LOG_STD_MIN, Math.min(PopSanActor.LOG_STD_MAX, x));
    }

    /** Whether a raw {@code log_std} lies outside the clamp (its gradient is then zero). */
    public static boolean logStdClamped(float x) {
        return x < PopSanActor.LOG_STD_MIN || x > PopSanActor.LOG_STD_MAX;
    }

    /**
     * One dimension's term of the squashed Gaussian's log-likelihood, for {@code x = mu + exp(logStd) eps} and
     * {@code u = tanh(x)}: {@code -eps^2 / 2 - logStd - log(2 pi) / 2 - 2 (log 2 - x - softplus(-2 x))}.
     */
    public static double squashedLogLikelihood(float eps, float logStd, float x) {
        return -0.5 * eps * eps - logStd - HALF_LOG_2PI - 2 * (LOG2 - x - softplus(-2.0 * x));
    }

    /** SAC's reparameterised pre-squash sample {@code x = mu + std eps} (the action is {@code tanh(x)}). */
    public static float preSquashSample(float mu, float std, float eps) {
        return mu + std * eps;
    }

    /**
     * Gradient of SAC's policy loss with respect to an unclamped {@code log_std}, given its sample's pre-squash
     * gradient {@code gx}: {@code x = mu + exp(log_std) eps} contributes {@code gx std eps}, {@code alpha log pi}
     * (which holds {@code -log_std}) contributes {@code -ka}, {@code ka = alpha / rows} (times any loss scale).
     */
    public static float logStdGradient(float gx, float std, float eps, float ka) {
        return gx * std * eps - ka;
    }

    /**
     * Gradient of SAC's policy loss with respect to the pre-squash sample {@code x}, given the critics' summed
     * gradient {@code gU} with respect to {@code u = tanh(x)} and {@code ka = alpha / rows} (times any loss scale):
     * {@code -Q} contributes {@code gU (1 - u^2)}, {@code alpha log pi} through the tanh correction {@code 2 ka u}.
     */
    public static float sacPreSquashGradient(float gU, float u, float ka) {
        return gU * (1f - u * u) + ka * 2f * u;
    }

    static double softplus(double y) {
        return Math.max(y, 0) + Math.log1p(Math.exp(-Math.abs(y)));
    }
}
