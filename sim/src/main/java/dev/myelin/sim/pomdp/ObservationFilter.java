package dev.myelin.sim.pomdp;

import dev.myelin.sim.BoxSpace;

/**
 * Turns each agent's full observation into a partial one. Per-agent state (delay lines, random
 * streams) lives in the filter, sized at creation; nothing is allocated per call. Called by the thread
 * that drives the wrapped env.
 */
public interface ObservationFilter {

    /** Builds a filter for {@code agents} agents whose raw observations live in {@code input}. */
    @FunctionalInterface
    interface Factory {
        ObservationFilter create(BoxSpace input, int agents);
    }

    /** The space of the filtered observation. */
    BoxSpace space();

    /** Reseeds any random stream (called on {@code reset(seed)}). */
    void seed(long seed);

    /** First observation of an agent's episode: clears its history. */
    void start(int agent, float[] in, int inOffset, float[] out, int outOffset);

    /** Every later observation of the episode. */
    void next(int agent, float[] in, int inOffset, float[] out, int outOffset);
}
