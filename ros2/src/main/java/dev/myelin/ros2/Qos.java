package dev.myelin.ros2;

/**
 * Quality of service of a publisher or subscription, in the terms of the rclcpp QoS profiles.
 * Publisher and subscription match when the subscription asks no more than the publisher offers
 * (a reliable subscription does not match a best-effort publisher; a transient-local subscription
 * does not match a volatile publisher).
 *
 * @param reliability whether lost samples are repaired
 * @param durability whether late-joining subscriptions get samples published before they joined
 * @param depth keep-last history depth (samples kept per writer and reader), at least 1
 */
public record Qos(Reliability reliability, Durability durability, int depth) {

    public enum Reliability { RELIABLE, BEST_EFFORT }

    public enum Durability { VOLATILE, TRANSIENT_LOCAL }

    /** rclcpp's default: reliable, volatile, keep last 10. */
    public static final Qos DEFAULT = new Qos(Reliability.RELIABLE, Durability.VOLATILE, 10);

    /** rclcpp's sensor-data profile: best effort, volatile, keep last 5. */
    public static final Qos SENSOR_DATA = new Qos(Reliability.BEST_EFFORT, Durability.VOLATILE, 5);

    /**
     * Latched: reliable, transient local, keep last 1. A subscription that joins later still gets
     * the last sample (status, parameters, maps).
     */
    public static final Qos TRANSIENT_LOCAL = new Qos(Reliability.RELIABLE, Durability.TRANSIENT_LOCAL, 1);

    public Qos {
        if (reliability == null || durability == null) {
            throw new IllegalArgumentException("QoS reliability and durability must be given");
        }
        if (depth < 1) {
            throw new IllegalArgumentException("QoS history depth must be at least 1, not " + depth);
        }
    }

    public Qos withDepth(int newDepth) {
        return new Qos(reliability, durability, newDepth);
    }

    public Qos withReliability(Reliability newReliability) {
        return new Qos(newReliability, durability, depth);
    }

    public Qos withDurability(Durability newDurability) {
        return new Qos(reliability, newDurability, depth);
    }

    /** The profile by the name ROS tools use: {@code default}, {@code sensor_data}, {@code transient_local}. */
    public static Qos profile(String name) {
        return switch (name.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "default", "services_default", "system_default" -> DEFAULT;
            case "sensor_data" -> SENSOR_DATA;
            case "transient_local", "latched" -> TRANSIENT_LOCAL;
            default -> throw new IllegalArgumentException("unknown QoS profile '" + name
                    + "' (known: default, sensor_data, transient_local)");
        };
    }

    @Override
    public String toString() {
        return reliability.name().toLowerCase(java.util.Locale.ROOT) + ", " + durability.name().toLowerCase(java.util.Locale.ROOT)
                + ", keep last " + depth;
    }
}
