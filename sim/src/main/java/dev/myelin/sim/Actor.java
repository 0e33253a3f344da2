package dev.myelin.sim;

/**
 * Something that chooses actions from observations: a learned policy, a scripted baseline, random
 * exploration. Arrays are agent-major for multi-agent envs, sized as the env's observation and
 * action. Implementations keep whatever state they need (recurrent policies) and are driven by one
 * thread.
 */
@FunctionalInterface
public interface Actor {

    /** Writes the action for {@code observation} into {@code action}. */
    void act(float[] observation, float[] action);

    /** Called when a new episode starts, before its first {@link #act}; recurrent actors clear state. */
    default void startEpisode() {
    }

    /** Called after every step with its outcome, for actors whose input includes past rewards. */
    default void observe(Transition transition) {
    }

    /** Always the zero action. */
    static Actor zero() {
        return (observation, action) -> java.util.Arrays.fill(action, 0f);
    }

    /** Uniform random actions within {@code space} (every agent), from a seeded SplitMix64 stream. */
    static Actor uniform(BoxSpace space, long seed) {
        long[] state = {dev.myelin.sim.random.SplitMix.stream(seed, 0)};
        return (observation, action) -> {
            int n = space.size();
            for (int i = 0; i < action.length; i++) {
                float lo = space.low(i % n);
                float hi = space.high(i % n);
                action[i] = lo + (hi - lo) * (float) dev.myelin.sim.random.SplitMix.nextDouble(state, 0);
            }
        };
    }
}
