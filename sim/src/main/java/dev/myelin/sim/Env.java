package dev.myelin.sim;

/**
 * One simulated task, Gymnasium-shaped: {@link #reset(long)} then {@link #step(float[])} until the
 * transition is done, then reset again. Deterministic for a seed. Nothing is allocated per step: the
 * observation arrays and the {@link Transition} are owned by the env and reused.
 *
 * <p>Multi-agent tasks ({@link #agents()} > 1) take and give agent-major flat arrays: the action is
 * {@code agents() * actionSpace().size()} floats, the observation {@code agents() *
 * observationSpace().size()}.
 *
 * <p>Actions with the wrong length or a non-finite component are refused with an
 * {@link IllegalArgumentException} naming the component, before anything changes. Finite components
 * outside the action space are clipped to it and counted ({@link Transition#clippedComponents()},
 * {@link EpisodeStats#clippedComponents()}).
 *
 * <p>Not thread-safe: one thread drives an env.
 */
public interface Env extends AutoCloseable {

    /** Registered task name ({@code pendulum}, {@code diffdrive-nav}, ...). */
    String task();

    /** Number of agents acting at once (1 for single-agent tasks). */
    int agents();

    /** One agent's observation space. */
    BoxSpace observationSpace();

    /** One agent's action space. */
    BoxSpace actionSpace();

    /** Nominal simulated seconds per step. */
    double controlPeriod();

    /** Reseeds the env and starts an episode; returns the first observation (env-owned). */
    float[] reset(long seed);

    /** Starts the next episode, continuing the random stream; returns the first observation (env-owned). */
    float[] reset();

    /**
     * Advances one control period.
     *
     * @param action agent-major actions, validated and clipped as described above; not retained
     * @return the env-owned transition
     * @throws IllegalStateException when no episode is running (never reset, or the last step was done)
     */
    Transition step(float[] action);

    /** This episode's value of a task parameter (after domain randomization). */
    double parameter(String name);

    /** Counters since construction. */
    EpisodeStats stats();

    /** Releases resources; the env cannot be used afterwards. */
    @Override
    default void close() {
    }
}
