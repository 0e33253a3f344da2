package dev.myelin.policy.engine;

import dev.myelin.policy.model.Policy;

/**
 * Runs one policy on the robot: raw observation in the units of the policy's observation channels
 * in, action in the action channels' ranges out. Implementations allocate nothing in {@link #act}
 * after construction. Not thread-safe: one engine instance belongs to one control thread.
 *
 * <p>Recurrent policies (GRSN, spiking transformer) keep their state inside the instance between
 * calls until {@link #reset()}.
 */
public interface InferenceEngine {

    /** Engine name as used in configuration: {@code dense}, {@code event}, {@code int8}, ... */
    String name();

    Policy policy();

    default int observationSize() {
        return policy().network().observationSize();
    }

    default int actionSize() {
        return policy().network().actionSize();
    }

    /**
     * One decision. {@code observation} must hold {@link #observationSize()} finite values;
     * {@code action} receives {@link #actionSize()} values.
     *
     * @throws IllegalArgumentException when the observation has the wrong length or a non-finite value
     *                                  (a policy never acts on NaN); the engine state is unchanged then.
     */
    void act(float[] observation, float[] action);

    /** Forgets recurrent state (start of an episode, or after inputs went stale). */
    void reset();

    /** The reward that followed the last action, for policies whose input includes it; others ignore it. */
    default void reward(float reward) {
    }

    /** Operation counts of the last decision (updated in place by {@link #act}). */
    EnergyMeter energy();

    /** Spikes emitted by every spiking neuron during the last decision. */
    default long lastSpikeCount() {
        return energy().spikes();
    }
}
