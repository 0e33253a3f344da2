package dev.myelin.sim;

/** Which dynamics a task runs with. */
public enum Variant {
    /** The nominal simulator a policy is trained on. */
    NOMINAL,
    /**
     * The task's reality-gap preset: hidden dynamics, latency and sensor differences drawn per episode
     * from {@code dev/myelin/sim/reality-gap/<task>.yaml}, standing in for the real robot.
     */
    REAL;

    /** Parses {@code nominal} or {@code real}. */
    public static Variant parse(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "nominal" -> NOMINAL;
            case "real" -> REAL;
            default -> throw new IllegalArgumentException("unknown variant '" + text + "' (nominal, real)");
        };
    }
}
