package dev.myelin.trainer.rl;

import dev.myelin.trainer.kernel.Rounding;
import dev.myelin.trainer.nn.PopSanActor;

/**
 * Every hyperparameter of a {@link Learner}, whichever rows it learns from: the batch (transitions, or windows
 * whose loss steps are the rows), the critics, TD3's and SAC's settings, exploration, and how the update is
 * computed (threads, precision, loss scaling). {@code targetNoise} and {@code noiseClip} are TD3's;
 * {@code alpha}, {@code autoAlpha} and {@code initialLogStd} SAC's ({@code initialLogStd} only for actors without
 * a log_std readout). Immutable; any thread.
 */
public record LearnerSettings(int batch, int[] criticHidden, float actorLr, float criticLr, float gamma, float polyak,
                              float targetNoise, float noiseClip, int policyDelay, float explorationNoise, float alpha,
                              boolean autoAlpha, float initialLogStd, int threads, Rounding rounding,
                              float lossScaleInitial, int lossScaleGrowthInterval) {
    public LearnerSettings {
        criticHidden = criticHidden.clone();
        if (batch < 1 || threads < 1) {
            throw new IllegalArgumentException("batch and threads must be >= 1, got " + batch + " and " + threads);
        }
        if (policyDelay < 1 || !(gamma >= 0f && gamma <= 1f) || !(polyak >= 0f && polyak <= 1f)) {
            throw new IllegalArgumentException("policy_delay must be >= 1, gamma and polyak in [0, 1]");
        }
        if (!(alpha >= 0f) || !Float.isFinite(alpha)) {
            throw new IllegalArgumentException("sac alpha must be >= 0 and finite, got " + alpha);
        }
        if (!(explorationNoise >= 0f) || !Float.isFinite(explorationNoise)) {
            throw new IllegalArgumentException("noise must be >= 0 and finite, got " + explorationNoise);
        }
        if (!(initialLogStd >= PopSanActor.LOG_STD_MIN && initialLogStd <= PopSanActor.LOG_STD_MAX)) {
            throw new IllegalArgumentException("sac_log_std must be in [" + PopSanActor.LOG_STD_MIN + ", "
                    + PopSanActor.LOG_STD_MAX + "], got " + initialLogStd);
        }
    }

    /** fp32, one thread: how the sequence runs compute. */
    public static LearnerSettings fp32(int batch, int[] criticHidden, float actorLr, float criticLr, float gamma,
                                       float polyak, float targetNoise, float noiseClip, int policyDelay,
                                       float explorationNoise, float alpha, boolean autoAlpha, float initialLogStd) {
        return new LearnerSettings(batch, criticHidden, actorLr, criticLr, gamma, polyak, targetNoise, noiseClip,
                policyDelay, explorationNoise, alpha, autoAlpha, initialLogStd, 1, Rounding.FP32, 65536f, 2000);
    }

    @Override
    public int[] criticHidden() {
        return criticHidden.clone();
    }
}
