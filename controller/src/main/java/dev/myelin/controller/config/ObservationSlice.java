package dev.myelin.controller.config;

import java.util.List;

/**
 * One contiguous slice of the policy's observation vector and where it comes from. The slices, in
 * file order, fill the observation from index 0; each names the bundle channels it fills so the
 * mapping can be checked against the bundle at load time.
 */
public sealed interface ObservationSlice {

    /** The slice's name in the parameter file (used in messages and diagnostics). */
    String name();

    /** Bundle observation channel names this slice fills, in order. */
    List<String> channels();

    /** Units of those channels as this slice produces them ("" = not declared, not checked). */
    List<String> units();

    /** Age in nanoseconds past which the input counts as stale; 0 = never stale. */
    long maxAgeNanos();

    /**
     * A numeric field of a message: {@code value = scale * field + offset}.
     */
    record FieldSlice(String name, String topic, String type, String qos, String field, double scale,
                      double offset, long maxAgeNanos, String channel, String unit) implements ObservationSlice {
        @Override
        public List<String> channels() {
            return List.of(channel);
        }

        @Override
        public List<String> units() {
            return List.of(unit);
        }
    }

    /**
     * A {@code sensor_msgs/LaserScan} down-sampled to {@code sectors} values by min-pooling equal
     * sectors of beams (the nearest return in each sector is what matters for collision), each
     * clipped to {@code [clipMin, clipMax]}; +Inf (no return, REP 117) reads as {@code clipMax},
     * -Inf (closer than range_min) as {@code clipMin}; NaN beams (invalid returns) are skipped, and a
     * sector with nothing but NaN yields NaN, which the safety gate's observation guard refuses.
     */
    record ScanSlice(String name, String topic, String qos, int sectors, double clipMin, double clipMax,
                     long maxAgeNanos, String channelPrefix) implements ObservationSlice {
        @Override
        public List<String> channels() {
            return java.util.stream.IntStream.range(0, sectors).mapToObj(i -> channelPrefix + i).toList();
        }

        @Override
        public List<String> units() {
            return java.util.Collections.nCopies(sectors, "m");
        }
    }

    /**
     * Distance (m) and bearing (rad, counter-clockwise from the robot's heading, in (-pi, pi]) to
     * the goal, from {@code nav_msgs/Odometry} and a {@code geometry_msgs/PoseStamped} goal in the
     * same frame. The goal never goes stale (it is latched); the odometry does.
     */
    record GoalSlice(String name, String odomTopic, String odomQos, String goalTopic, String goalQos,
                     long maxAgeNanos, String distanceChannel, String bearingChannel) implements ObservationSlice {
        @Override
        public List<String> channels() {
            return List.of(distanceChannel, bearingChannel);
        }

        @Override
        public List<String> units() {
            return List.of("m", "rad");
        }
    }
    /**
     * Named joints' fields of a {@code sensor_msgs/JointState}, picked by joint name whatever the
     * order of the message's {@code name} array: values are field-major ({@code fields[0]} of every
     * joint, then {@code fields[1]} ...). A configured joint missing from a sample, or a field array
     * shorter than the names, yields NaN, which the safety gate's observation guard refuses.
     *
     * @param fields   {@code position}, {@code velocity} or {@code effort}
     * @param channels bundle channel names, field-major
     * @param units    their units, field-major
     */
    record JointStateSlice(String name, String topic, String qos, List<String> joints, List<String> fields,
                           long maxAgeNanos, List<String> channels, List<String> units) implements ObservationSlice {
        public JointStateSlice {
            joints = List.copyOf(joints);
            fields = List.copyOf(fields);
            channels = List.copyOf(channels);
            units = List.copyOf(units);
        }
    }

    /**
     * Parts of a {@code sensor_msgs/Imu}: {@code orientation} (quaternion x, y, z, w),
     * {@code angular_velocity} (x, y, z, rad/s), {@code linear_acceleration} (x, y, z, m/s^2), in
     * the order listed; each part's channels are {@code prefix + component}.
     */
    record ImuSlice(String name, String topic, String qos, List<String> parts, long maxAgeNanos,
                    List<String> channels, List<String> units) implements ObservationSlice {
        public ImuSlice {
            parts = List.copyOf(parts);
            channels = List.copyOf(channels);
            units = List.copyOf(units);
        }
    }

    /**
     * A velocity command ({@code geometry_msgs/Twist}) as a policy input, e.g. the forward and turn
     * rate a legged robot is asked to track: the listed components ({@code linear.x},
     * {@code angular.z}, ...) in order. Commands are latched by default ({@code max_age_s: 0}).
     */
    record TwistSlice(String name, String topic, String qos, List<String> components, long maxAgeNanos,
                      List<String> channels, List<String> units) implements ObservationSlice {
        public TwistSlice {
            components = List.copyOf(components);
            channels = List.copyOf(channels);
            units = List.copyOf(units);
        }
    }
}
