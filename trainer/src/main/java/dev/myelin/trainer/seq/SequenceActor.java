package dev.myelin.trainer.seq;

import dev.myelin.policy.model.SpikingNetwork;
import dev.myelin.trainer.nn.Parameters;

/**
 * An actor trained over sequences, for recurrent (GRSN, GRU), windowed (spiking transformer) and
 * stateless (PopSAN, MLP) policies alike. The state is carried step to step exactly as on the robot:
 * a training forward pass runs every step of a sampled window in order, starting from zero state,
 * and the first {@code burnIn} steps of the window only warm the state up (the sequence trainer
 * takes no loss there); a rollout {@link Stepper} keeps each lane's state until that lane is reset
 * at an episode start. Nothing is reset per step.
 *
 * <p>Inputs per step and agent: the normalized observation, the previous action (in [-1, 1], zero at
 * an episode start) and the previous reward (zero at an episode start). Outputs are actions in
 * [-1, 1] (tanh-squashed); the trainer scales them to the task's action range.
 *
 * <p>Array layouts are step-major: element {@code i} of sequence {@code b} at step {@code t} is at
 * {@code (t * batch + b) * width + i}. One thread; not thread-safe.
 */
public interface SequenceActor {

    /** Family name as the comparison reports it: popsan, grsn, spiking-transformer, gru, mlp. */
    String family();

    int observationSize();

    int actionSize();

    /** The trained values and their gradients (accumulated by {@link #backward}). */
    Parameters parameters();

    /** Re-reads {@link #parameters()} after an optimizer step or a restore (repack cached weights). */
    void refreshWeights();

    /**
     * Training forward pass over {@code batch} sequences of {@code steps} steps from zero state. Returns the
     * actions ({@code steps * batch * actionSize}, an internal buffer valid until the next call) and keeps
     * what {@link #backward} needs.
     */
    float[] forward(float[] observations, float[] previousActions, float[] previousRewards, int batch, int steps);

    /**
     * Backpropagation through time of dLoss/dAction (the layout {@link #forward} returned; zero where no loss
     * is taken) for the last forward pass; adds into {@code parameters().gradients()}.
     */
    default void backward(float[] actionGradients) {
        backward(actionGradients, false);
    }

    /**
     * The pre-squash outputs {@code z} of the last {@link #forward} ({@code action = tanh(z)}), in the layout of the
     * actions; an internal buffer valid until the next call.
     */
    float[] preSquash();

    /**
     * As {@link #backward(float[])}, from dLoss/dz of the pre-squash outputs (for losses defined before the squash,
     * such as SAC's Gaussian log-likelihood).
     */
    default void backwardPreSquash(float[] gradients) {
        backward(gradients, true);
    }

    /**
     * Backpropagation through time of {@code gradients} with respect to the actions ({@code preSquash = false}) or
     * to the pre-squash outputs ({@code true}); adds into {@code parameters().gradients()}.
     */
    void backward(float[] gradients, boolean preSquash);

    /** A rollout stepper for {@code lanes} independent streams sharing this actor's current parameters. */
    Stepper stepper(int lanes);

    /** Real-valued multiply-accumulates per decision of one agent (the ANN baselines' whole cost; spiking actors' encoder/decoder part). */
    long macsPerDecision();

    /**
     * The robot-side network with the trained values, or {@code null} for the ANN baselines (GRU, MLP) that
     * have no spiking form. The policy module's dense engine reproduces {@link Stepper} actions on it.
     */
    SpikingNetwork toNetwork();

    /** Stateful stepping for rollouts: every lane keeps its own state until {@link #reset}. */
    interface Stepper {
        /** Zeroes one lane's state (episode start). */
        void reset(int lane);

        /**
         * One step for every lane: {@code observations} is {@code lanes * observationSize}, {@code previousActions}
         * {@code lanes * actionSize}, {@code previousRewards} {@code lanes}; writes {@code lanes * actionSize}
         * actions into {@code actionsOut}. Allocates nothing.
         */
        void step(float[] observations, float[] previousActions, float[] previousRewards, float[] actionsOut);

        /** The pre-squash outputs of the last {@link #step} ({@code lanes * actionSize}); an internal buffer. */
        float[] lastPreSquash();

        /** Every lane's state as one new array (for checkpoints; empty for stateless actors). */
        float[] state();

        /**
         * Takes back what {@link #state} of a stepper of the same actor shape and lane count returned; refuses
         * another length.
         */
        void restoreState(float[] state);

        /** Spikes emitted by all lanes in the last {@link #step} (0 for ANN baselines). */
        long lastSpikes();

        /** Synaptic operations (spikes x fan-out) of all lanes in the last {@link #step} (0 for ANN baselines). */
        long lastSynOps();
    }
}
