package dev.myelin.policy.engine;

import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.SpikingTransformer;

/**
 * Builds the spiking transformer's step token {@code [o', (a_prev - center) / halfRange, r_prev]}
 * and remembers the previous action and reward between decisions. Shared by the fp32 and int8
 * transformer engines so that both see the same tokens. Engine thread only.
 */
final class StepTokens {
    private final Observations observations;
    private final int obs;
    private final int act;
    private final float[] center;
    private final float[] half;
    private final float[] prevAction;
    private float prevReward;
    /** The token of the current decision. */
    final float[] token;

    StepTokens(Policy policy) {
        SpikingTransformer net = (SpikingTransformer) policy.network();
        observations = new Observations(policy.normalizer());
        obs = net.observationSize();
        act = net.actionSize();
        center = new float[act];
        half = new float[act];
        for (int j = 0; j < act; j++) {
            center[j] = policy.actions().get(j).center();
            half[j] = policy.actions().get(j).halfRange();
        }
        prevAction = new float[act];
        token = new float[net.tokenSize()];
        reset();
    }

    /** Validates the observation (throws before any state changes) and fills {@link #token}. */
    void begin(float[] observation) {
        observations.check(observation);
        observations.normalize(observation, token);
        for (int j = 0; j < act; j++) {
            token[obs + j] = (prevAction[j] - center[j]) / half[j];
        }
        token[obs + act] = prevReward;
    }

    /** Records the decision's action; the reward stays 0 unless {@link #reward} reports one. */
    void end(float[] action) {
        System.arraycopy(action, 0, prevAction, 0, act);
        prevReward = 0f;
    }

    void reward(float reward) {
        prevReward = Float.isFinite(reward) ? reward : 0f;
    }

    /** Start of an episode: the previous action is the centre of each range (token value 0), no reward. */
    void reset() {
        System.arraycopy(center, 0, prevAction, 0, act);
        prevReward = 0f;
    }
}
