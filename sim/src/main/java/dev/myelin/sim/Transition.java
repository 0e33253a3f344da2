package dev.myelin.sim;

/**
 * What one {@link Env#step} produced, Gymnasium's {@code (observation, reward, terminated,
 * truncated, info)}. The instance and its observation array belong to the env and are overwritten by
 * its next {@code step} or {@code reset}: copy what must outlive that. Caller's thread only.
 */
public interface Transition {

    /** The next observation, {@code agents() * observationSpace().size()} floats, agent-major. */
    float[] observation();

    /** Mean reward over agents (the reward, for single-agent tasks). */
    float reward();

    /** Reward of {@code agent}. */
    float reward(int agent);

    /** The episode reached a terminal state (goal, collision, failure). */
    boolean terminated();

    /** The episode was cut by the step limit. */
    boolean truncated();

    /** {@code terminated() || truncated()}. */
    default boolean done() {
        return terminated() || truncated();
    }

    /** How {@code agent}'s episode stands after this step. */
    Outcome outcome(int agent);

    /** Action components clipped into the action space on this step. */
    int clippedComponents();

    /** Steps taken in this episode so far, this one included. */
    int episodeLength();

    /** Undiscounted return of the episode so far, mean over agents. */
    double episodeReturn();
}
