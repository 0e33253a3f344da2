package dev.myelin.bridge.experience;

/**
 * Where a control loop records what happened at each tick: the observation the policy saw, the action it
 * chose, the reward that followed (NaN when the robot has no reward signal), whether the episode ended, the
 * time, and which policy acted. Implementations called on the control thread allocate nothing.
 */
@FunctionalInterface
public interface TransitionRecorder {

    /**
     * Records one transition; the arrays are copied before returning.
     *
     * @param policyTag the first 8 bytes of the acting bundle's digest ({@link #policyTag(String)})
     * @return false when it could not be recorded (outbox full); the caller's loop goes on either way
     */
    boolean record(float[] observation, float[] action, float reward, boolean done, long timeNanos, long policyTag);

    /** The tag of a bundle digest (lowercase hex SHA-256): its first 16 hex digits as a long. */
    static long policyTag(String digestHex) {
        return Long.parseUnsignedLong(digestHex.substring(0, 16), 16);
    }
}
