package dev.myelin.bridge.experience;

/**
 * One recorded control step, as the trainer reads it back: which robot and outbox it came from and its
 * position there (segment and index, unique per outbox), the time (the robot's monotonic clock, ns), the
 * acting policy's tag, the observation and action vectors, the reward (NaN when the robot has none) and
 * whether the episode ended. Immutable (the arrays are copies owned by this object).
 */
public record ExperienceTransition(String robot, long outboxId, long segment, int index, long timeNanos, long policyTag,
                         float[] observation, float[] action, float reward, boolean done) {

    /** The reward, or {@code fallback} when the robot recorded none. */
    public float rewardOr(float fallback) {
        return Float.isNaN(reward) ? fallback : reward;
    }
}
