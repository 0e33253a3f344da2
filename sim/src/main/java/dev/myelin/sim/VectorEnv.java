package dev.myelin.sim;

/**
 * N independent copies ("worlds") of a task stepped together on batched arrays and spread over
 * threads. Each world has {@link #agentsPerWorld()} agents; arrays are agent-major over all
 * {@link #agents()} = worlds x agentsPerWorld agents (agent {@code a} belongs to world
 * {@code a / agentsPerWorld()}).
 *
 * <p>Worlds reset themselves in the same step their episode ends (same-step auto-reset): after
 * {@link #step(float[])}, an agent whose {@code terminated} or {@code truncated} flag is set already
 * holds the first observation of its next episode in {@link #observations()}, and the observation
 * that ended the episode is in {@link #finalObservations()} (needed to bootstrap truncated
 * episodes). World {@code w} draws from its own random stream, so results do not depend on the
 * number of threads, and world 0 of {@code reset(seed)} matches {@link Env#reset(long)} with the
 * same seed.
 *
 * <p>All arrays are owned by the vector env, overwritten by the next step, and never reallocated.
 * Actions are validated (length, finiteness) before any world moves; out-of-range components are
 * clipped and counted. Nothing is allocated per step. One thread drives a vector env; the stepping
 * threads are internal.
 */
public interface VectorEnv extends AutoCloseable {

    /** Registered task name. */
    String task();

    /** Number of independent worlds. */
    int worlds();

    /** Agents per world (1 for single-agent tasks). */
    int agentsPerWorld();

    /** Total agents: {@code worlds() * agentsPerWorld()}. */
    int agents();

    /** Threads that step worlds, the caller's included. */
    int threads();

    /** One agent's observation space. */
    BoxSpace observationSpace();

    /** One agent's action space. */
    BoxSpace actionSpace();

    /** Nominal simulated seconds per step. */
    double controlPeriod();

    /** Reseeds every world and starts an episode in each; observations are in {@link #observations()}. */
    void reset(long seed);

    /**
     * Steps every world once.
     *
     * @param actions {@code agents() * actionSpace().size()} floats, agent-major; not retained
     * @throws IllegalStateException before the first {@link #reset(long)} or after {@link #close()}
     */
    void step(float[] actions);

    /** Current observations, {@code agents() * observationSpace().size()} floats. */
    float[] observations();

    /** Rewards of the last step, one per agent. */
    float[] rewards();

    /** Per agent: the last step ended its world's episode in a terminal state. */
    boolean[] terminated();

    /** Per agent: the last step ended its world's episode by the step limit. */
    boolean[] truncated();

    /** Per agent whose episode ended on the last step: its final observation (other entries are stale). */
    float[] finalObservations();

    /** Outcome of {@code agent} on the last step. */
    Outcome outcome(int agent);

    /** This episode's value of a task parameter in {@code world}. */
    double parameter(String name, int world);

    /** Counters over all worlds since construction (a live view refreshed by this call; caller's thread). */
    EpisodeStats stats();

    /** Stops the stepping threads. */
    @Override
    void close();
}
