package dev.myelin.sim;

/** How an agent's episode ended, or {@link #RUNNING} while it has not. */
public enum Outcome {
    /** The episode goes on. */
    RUNNING,
    /** The agent reached its goal. */
    SUCCESS,
    /** The agent hit an obstacle, a wall or another robot. */
    COLLISION,
    /** The plant left its safe region (the cart ran off its track). */
    FAILURE,
    /** The step limit ended the episode (truncation, not termination). */
    TIMEOUT;

    private static final Outcome[] VALUES = values();

    /** The outcome with ordinal {@code code}; no allocation. */
    public static Outcome of(int code) {
        return VALUES[code];
    }
}
