package dev.myelin.controller.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parameter-file entries of joint-space robots (legged robots, arms): {@code joint_state},
 * {@code imu} and {@code twist} observation slices and the {@code joint_array} action, a
 * ros2_control-style forward command ({@code std_msgs/Float64MultiArray}, one value per joint in
 * the declared order) that expands into one {@link ActionOutput} per joint writing
 * {@code data[i]}, each with its own limits and safe value.
 *
 * <pre>{@code
 * - {name: joints, kind: joint_state, topic: /joint_states, joints: [fl_hip, fl_knee],
 *    fields: [position, velocity], channel_format: "{joint}_{field}", max_age_s: 0.1}
 * - {name: imu, kind: imu, topic: /imu, parts: [orientation, angular_velocity]}     # imu_qx .. imu_wz
 * - {name: command, kind: twist, topic: /cmd_vel, components: [linear.x, angular.z]} # command_linear_x ..
 * actions:
 * - {kind: joint_array, topic: /forward_position_controller/commands, joints: [fl_hip, fl_knee],
 *    channel_format: "{joint}", unit: rad, min: [-0.8, -2.4], max: [0.8, 0.0], safe: [0.0, -1.2],
 *    rate_limit: 20}
 * }</pre>
 */
final class JointMapping {
    static final String JOINT_ARRAY = "joint_array";
    static final List<String> JOINT_FIELDS = List.of("position", "velocity", "effort");
    private static final Map<String, String> JOINT_UNITS = Map.of("position", "rad", "velocity", "rad/s", "effort", "N*m");
    static final List<String> IMU_PARTS = List.of("orientation", "angular_velocity", "linear_acceleration");
    static final List<String> TWIST_COMPONENTS = List.of("linear.x", "linear.y", "linear.z", "angular.x", "angular.y", "angular.z");
    private static final Set<String> ARRAY_TYPES = Set.of("std_msgs/msg/Float64MultiArray", "std_msgs/msg/Float32MultiArray");

    private JointMapping() {
    }

    static boolean isJointArray(ParamReader a) {
        return a.has("kind") && JOINT_ARRAY.equals(a.string("kind").toLowerCase(Locale.ROOT));
    }

    /** Joint names: a non-empty list without repeats. */
    private static List<String> joints(ParamReader o) {
        if (!o.has("joints")) {
            throw o.fail("joints", "is required (a list of joint names)");
        }
        List<String> joints = o.strings("joints");
        if (joints.isEmpty()) {
            throw o.fail("joints", "must name at least one joint");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < joints.size(); i++) {
            if (!seen.add(joints.get(i))) {
                throw o.fail("joints[" + i + "]", "'" + joints.get(i) + "' is listed twice");
            }
        }
        return joints;
    }

    /** A list drawn from {@code allowed}, without repeats, in the file's order; {@code fallback} when absent. */
    private static List<String> choice(ParamReader o, String key, List<String> allowed, List<String> fallback) {
        List<String> got = o.has(key) ? o.strings(key) : fallback;
        if (got.isEmpty()) {
            throw o.fail(key, "must list at least one of " + String.join(", ", allowed));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < got.size(); i++) {
            if (!allowed.contains(got.get(i))) {
                throw o.fail(key + "[" + i + "]", "must be one of " + String.join(", ", allowed) + ", got '" + got.get(i) + "'");
            }
            if (!seen.add(got.get(i))) {
                throw o.fail(key + "[" + i + "]", "'" + got.get(i) + "' is listed twice");
            }
        }
        return got;
    }

    private static String format(ParamReader o, String fallback, String... required) {
        String f = o.string("channel_format", fallback);
        for (String r : required) {
            if (!f.contains(r)) {
                throw o.fail("channel_format", "must contain " + r + " so that channel names differ, got '" + f + "'");
            }
        }
        return f;
    }

    static ObservationSlice.JointStateSlice jointState(ParamReader o, String name, long maxAge) {
        o.allowOnly(Set.of("name", "kind", "topic", "qos", "joints", "fields", "units", "channel_format", "max_age_s"));
        List<String> joints = joints(o);
        List<String> fields = choice(o, "fields", JOINT_FIELDS, List.of("position", "velocity"));
        List<String> fieldUnits = new ArrayList<>();
        if (o.has("units")) {
            List<String> given = o.strings("units");
            if (given.size() != fields.size()) {
                throw o.fail("units", "must give one unit per field (" + fields.size() + "), got " + given.size());
            }
            fieldUnits.addAll(given);
        } else {
            fields.forEach(f -> fieldUnits.add(JOINT_UNITS.get(f)));
        }
        String format = format(o, "{joint}_{field}", "{joint}", fields.size() > 1 ? "{field}" : "{joint}");
        List<String> channels = new ArrayList<>();
        List<String> units = new ArrayList<>();
        for (int f = 0; f < fields.size(); f++) {
            for (String j : joints) {
                channels.add(format.replace("{joint}", j).replace("{field}", fields.get(f)));
                units.add(fieldUnits.get(f));
            }
        }
        return new ObservationSlice.JointStateSlice(name, o.string("topic"), ControllerParams.qos(o, "qos", "default"),
                joints, fields, maxAge, channels, units);
    }

    static ObservationSlice.ImuSlice imu(ParamReader o, String name, long maxAge) {
        o.allowOnly(Set.of("name", "kind", "topic", "qos", "parts", "channel_prefix", "max_age_s"));
        List<String> parts = choice(o, "parts", IMU_PARTS, List.of("orientation", "angular_velocity"));
        String prefix = o.string("channel_prefix", name + "_");
        List<String> channels = new ArrayList<>();
        List<String> units = new ArrayList<>();
        for (String part : parts) {
            switch (part) {
                case "orientation" -> {
                    for (String c : List.of("qx", "qy", "qz", "qw")) {
                        channels.add(prefix + c);
                        units.add("1");
                    }
                }
                case "angular_velocity" -> {
                    for (String c : List.of("wx", "wy", "wz")) {
                        channels.add(prefix + c);
                        units.add("rad/s");
                    }
                }
                default -> {
                    for (String c : List.of("ax", "ay", "az")) {
                        channels.add(prefix + c);
                        units.add("m/s^2");
                    }
                }
            }
        }
        return new ObservationSlice.ImuSlice(name, o.string("topic"), ControllerParams.qos(o, "qos", "sensor_data"), parts,
                maxAge, channels, units);
    }

    static ObservationSlice.TwistSlice twist(ParamReader o, String name, long maxAge) {
        o.allowOnly(Set.of("name", "kind", "topic", "qos", "components", "channel_prefix", "max_age_s"));
        List<String> components = choice(o, "components", TWIST_COMPONENTS, List.of("linear.x", "angular.z"));
        String prefix = o.string("channel_prefix", name + "_");
        List<String> channels = new ArrayList<>();
        List<String> units = new ArrayList<>();
        for (String c : components) {
            channels.add(prefix + c.replace('.', '_'));
            units.add(c.startsWith("linear") ? "m/s" : "rad/s");
        }
        return new ObservationSlice.TwistSlice(name, o.string("topic"), ControllerParams.qos(o, "qos", "default"), components,
                maxAge, channels, units);
    }

    /** One output per joint, {@code data[i]} of the topic's multi-array, in the declared joint order. */
    static List<ActionOutput> jointArray(ParamReader a) {
        a.allowOnly(Set.of("kind", "topic", "type", "qos", "joints", "channel_format", "unit", "min", "max", "rate_limit", "safe"));
        List<String> joints = joints(a);
        int n = joints.size();
        String type = a.string("type", "std_msgs/msg/Float64MultiArray");
        if (!ARRAY_TYPES.contains(type)) {
            throw a.fail("type", "must be one of " + String.join(", ", ARRAY_TYPES.stream().sorted().toList()) + ", got " + type);
        }
        String format = format(a, "{joint}", "{joint}");
        double[] min = a.numbers("min", n, null);
        double[] max = a.numbers("max", n, null);
        double[] safe = a.numbers("safe", n, 0.0);
        double rate = a.nonNegative("rate_limit", 0.0);
        String topic = a.string("topic");
        String qos = ControllerParams.qos(a, "qos", "default");
        String unit = a.string("unit", "");
        List<ActionOutput> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String j = joints.get(i);
            if (!(min[i] < max[i])) {
                throw a.fail("max", "joint '" + j + "': must be greater than min (" + min[i] + "), got " + max[i]);
            }
            if (safe[i] < min[i] || safe[i] > max[i]) {
                throw a.fail("safe", "joint '" + j + "': must lie in [min, max] = [" + min[i] + ", " + max[i] + "], got " + safe[i]);
            }
            out.add(new ActionOutput(format.replace("{joint}", j), topic, type, qos, "data[" + i + "]", unit, min[i], max[i],
                    rate, safe[i]));
        }
        return out;
    }
}
