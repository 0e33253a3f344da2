package dev.myelin.controller.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.myelin.controller.loop.IdleStrategy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The controller's configuration, read from a ROS 2-style parameter file:
 *
 * <pre>{@code
 * controller:
 *   ros__parameters:
 *     rate_hz: 100
 *     idle_strategy: spin-then-park      # busy-spin | spin-then-park | park
 *     realtime_priority: 0               # SCHED_FIFO priority of the loop thread, 1..99; 0 = normal
 *     engine: event
 *     trusted_keys: [robot.pub]          # relative to this file; empty = unsigned bundles accepted
 *     observations:
 *       - {name: lidar, kind: laser_scan, topic: /scan, sectors: 16, clip: [0.12, 3.5], max_age_s: 0.5}
 *       - {name: goal, kind: goal, odom_topic: /odom, goal_topic: /goal_pose, max_age_s: 0.5}
 *       - {name: v, kind: field, topic: /odom, type: nav_msgs/msg/Odometry, field: twist.twist.linear.x,
 *          channel: linear_velocity, unit: m/s, max_age_s: 0.5}
 *     actions:
 *       - {channel: linear_velocity, topic: /cmd_vel, type: geometry_msgs/msg/Twist, field: linear.x,
 *          unit: m/s, min: -0.22, max: 0.22, rate_limit: 2.0, safe: 0.0}
 *     # joint-space robots (see JointMapping): joint_state, imu and twist observations, joint_array actions
 *     #  - {name: joints, kind: joint_state, topic: /joint_states, joints: [hip, knee], fields: [position, velocity]}
 *     #  - {name: imu, kind: imu, topic: /imu, parts: [orientation, angular_velocity]}
 *     #  - {name: command, kind: twist, topic: /cmd_vel, components: [linear.x, angular.z]}
 *     #  - {kind: joint_array, topic: /forward_position_controller/commands, joints: [hip, knee],
 *     #     unit: rad, min: [-0.8, -2.0], max: [0.8, 0.0], safe: [0.0, -1.2], rate_limit: 10}
 *     safety: {estop_topic: /estop, reset_topic: /sim/episode, reset_type: std_msgs/msg/String}
 *     diagnostics: {topic: /diagnostics, period_s: 1.0}
 * }</pre>
 *
 * Immutable; {@link #read} validates everything and names the parameter that is wrong.
 */
public record ControllerParams(String nodeName, double rateHz, IdleStrategy idleStrategy, int realtimePriority, String engine,
                               List<Path> trustedKeys, boolean startActive, List<ObservationSlice> observations,
                               List<ActionOutput> actions, String estopTopic, String estopResetTopic,
                               String resetTopic, String resetType, String diagnosticsTopic,
                               double diagnosticsPeriodS, String hardwareId) {

    public static final double MIN_RATE_HZ = 10;
    public static final double MAX_RATE_HZ = 1000;

    public ControllerParams {
        observations = List.copyOf(observations);
        actions = List.copyOf(actions);
        trustedKeys = List.copyOf(trustedKeys);
    }

    /** Control period in nanoseconds. */
    public long periodNanos() {
        return Math.round(1e9 / rateHz);
    }

    /** Total observation size the slices produce. */
    public int observationSize() {
        return observations.stream().mapToInt(s -> s.channels().size()).sum();
    }

    /** A copy running at another rate (benchmarks, tests). */
    public ControllerParams withRate(double hz, IdleStrategy idle) {
        checkRate("rate_hz", hz);
        return new ControllerParams(nodeName, hz, idle, realtimePriority, engine, trustedKeys, startActive, observations, actions,
                estopTopic, estopResetTopic, resetTopic, resetType, diagnosticsTopic, diagnosticsPeriodS, hardwareId);
    }

    /** A copy with another SCHED_FIFO priority for the loop thread (0: normal scheduling). */
    public ControllerParams withRealtimePriority(int priority) {
        if (priority < 0 || priority > 99) {
            throw new ParamsException("realtime_priority must be 0 (off) or 1..99, got " + priority);
        }
        return new ControllerParams(nodeName, rateHz, idleStrategy, priority, engine, trustedKeys, startActive, observations,
                actions, estopTopic, estopResetTopic, resetTopic, resetType, diagnosticsTopic, diagnosticsPeriodS, hardwareId);
    }

    /** A copy with another engine name. */
    public ControllerParams withEngine(String name) {
        return new ControllerParams(nodeName, rateHz, idleStrategy, realtimePriority, name, trustedKeys, startActive, observations, actions,
                estopTopic, estopResetTopic, resetTopic, resetType, diagnosticsTopic, diagnosticsPeriodS, hardwareId);
    }

    private static void checkRate(String what, double hz) {
        if (!(hz >= MIN_RATE_HZ && hz <= MAX_RATE_HZ)) {
            throw new ParamsException(what + " must be in [" + (int) MIN_RATE_HZ + ", " + (int) MAX_RATE_HZ + "] Hz, got " + hz);
        }
    }

    /** Reads and validates a parameter file. */
    public static ControllerParams read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new java.io.FileNotFoundException("parameter file " + file + " does not exist");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new ParamsException(file + ": not UTF-8 text");
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), base);
    }

    /**
     * Parses parameter text. {@code source} names it in messages; relative key paths resolve
     * against {@code base}.
     */
    public static ControllerParams parse(String yaml, String source, Path base) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ParamsException(source + ": not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject() || root.size() != 1) {
            throw new ParamsException(source + ": expected one top-level node name, e.g. 'controller:', holding 'ros__parameters:'");
        }
        String nodeName = root.fieldNames().next();
        JsonNode nodeParams = root.get(nodeName);
        if (nodeParams == null || !nodeParams.isObject() || !nodeParams.has("ros__parameters")) {
            throw new ParamsException(source + ": " + nodeName + " must hold 'ros__parameters:'");
        }
        ParamReader p = new ParamReader(source, nodeName + ".ros__parameters", nodeParams.get("ros__parameters"));
        p.allowOnly(Set.of("rate_hz", "idle_strategy", "realtime_priority", "engine", "trusted_keys", "start_active", "observations",
                "actions", "safety", "diagnostics"));

        double rate = p.number("rate_hz", 100);
        if (!(rate >= MIN_RATE_HZ && rate <= MAX_RATE_HZ)) {
            throw p.fail("rate_hz", "must be in [" + (int) MIN_RATE_HZ + ", " + (int) MAX_RATE_HZ + "] Hz, got " + rate);
        }
        IdleStrategy idle;
        String idleName = p.string("idle_strategy", "spin-then-park");
        try {
            idle = IdleStrategy.named(idleName);
        } catch (IllegalArgumentException e) {
            throw p.fail("idle_strategy", e.getMessage());
        }
        int rtPriority = p.integer("realtime_priority", 0);
        if (rtPriority < 0 || rtPriority > 99) {
            throw p.fail("realtime_priority", "must be 0 (off) or 1..99 (SCHED_FIFO), got " + rtPriority);
        }
        String engine = p.string("engine", "event");
        List<Path> keys = new ArrayList<>();
        for (String k : p.strings("trusted_keys")) {
            Path kp = Path.of(k);
            keys.add(kp.isAbsolute() || base == null ? kp : base.resolve(kp));
        }
        boolean startActive = p.bool("start_active", true);

        List<ObservationSlice> slices = new ArrayList<>();
        Set<String> sliceNames = new HashSet<>();
        for (ParamReader o : p.list("observations")) {
            ObservationSlice s = observation(o);
            if (!sliceNames.add(s.name())) {
                throw o.fail("name", "'" + s.name() + "' is used by another observation slice");
            }
            slices.add(s);
        }
        List<ActionOutput> actions = new ArrayList<>();
        Set<String> actionChannels = new HashSet<>();
        Set<String> targets = new HashSet<>();
        for (ParamReader a : p.list("actions")) {
            boolean jointArray = JointMapping.isJointArray(a);
            for (ActionOutput out : jointArray ? JointMapping.jointArray(a) : List.of(action(a))) {
                if (!actionChannels.add(out.channel())) {
                    throw a.fail(jointArray ? "joints" : "channel", "'" + out.channel() + "' is mapped twice");
                }
                if (!targets.add(out.topic() + "#" + out.field())) {
                    throw a.fail(jointArray ? "topic" : "field", out.field() + " of " + out.topic() + " is written by another action");
                }
                for (ActionOutput other : actions) {
                    if (other.topic().equals(out.topic()) && !other.type().equals(out.type())) {
                        throw a.fail("type", out.type() + " differs from " + other.type() + " already used on " + out.topic());
                    }
                }
                actions.add(out);
            }
        }

        ParamReader safety = p.child("safety");
        String estop = null;
        String estopReset = null;
        String reset = null;
        String resetType = "std_msgs/msg/Empty";
        if (safety != null) {
            safety.allowOnly(Set.of("estop_topic", "estop_reset_topic", "reset_topic", "reset_type"));
            estop = safety.string("estop_topic", null);
            estopReset = safety.string("estop_reset_topic", null);
            reset = safety.string("reset_topic", null);
            resetType = safety.string("reset_type", resetType);
            if (estopReset != null && estop == null) {
                throw safety.fail("estop_reset_topic", "needs estop_topic");
            }
        }
        ParamReader diag = p.child("diagnostics");
        String diagTopic = "/diagnostics";
        double diagPeriod = 1.0;
        String hardwareId = "myelin";
        if (diag != null) {
            diag.allowOnly(Set.of("topic", "period_s", "hardware_id"));
            diagTopic = diag.string("topic", diagTopic);
            diagPeriod = diag.positive("period_s", diagPeriod);
            hardwareId = diag.string("hardware_id", hardwareId);
        }
        return new ControllerParams(nodeName, rate, idle, rtPriority, engine, keys, startActive, slices, actions, estop, estopReset,
                reset, resetType, diagTopic, diagPeriod, hardwareId);
    }

    private static long maxAge(ParamReader o) {
        return maxAge(o, 0.5);
    }

    static long maxAge(ParamReader o, double fallbackSeconds) {
        double s = o.nonNegative("max_age_s", fallbackSeconds);
        return Math.round(s * 1e9);
    }

    private static ObservationSlice observation(ParamReader o) {
        String kind = o.string("kind", "field").toLowerCase(Locale.ROOT);
        String name = o.string("name");
        return switch (kind) {
            case "field" -> {
                o.allowOnly(Set.of("name", "kind", "topic", "type", "qos", "field", "scale", "offset", "max_age_s",
                        "channel", "unit"));
                double scale = o.number("scale", 1.0);
                if (scale == 0) {
                    throw o.fail("scale", "must not be 0");
                }
                yield new ObservationSlice.FieldSlice(name, o.string("topic"), o.string("type"), qos(o, "qos", "default"),
                        o.string("field"), scale, o.number("offset", 0.0), maxAge(o), o.string("channel", name),
                        o.string("unit", ""));
            }
            case "laser_scan" -> {
                o.allowOnly(Set.of("name", "kind", "topic", "qos", "sectors", "clip", "max_age_s", "channel_prefix"));
                int sectors = o.integer("sectors", 0);
                if (sectors < 1 || sectors > 4096) {
                    throw o.fail("sectors", "must be an integer in [1, 4096], got " + sectors);
                }
                double[] clip = o.pair("clip");
                if (clip[0] < 0) {
                    throw o.fail("clip", "ranges are >= 0, got low " + clip[0]);
                }
                yield new ObservationSlice.ScanSlice(name, o.string("topic"), qos(o, "qos", "sensor_data"), sectors,
                        clip[0], clip[1], maxAge(o), o.string("channel_prefix", "range_"));
            }
            case "goal" -> {
                o.allowOnly(Set.of("name", "kind", "odom_topic", "odom_qos", "goal_topic", "goal_qos", "max_age_s",
                        "distance_channel", "bearing_channel"));
                yield new ObservationSlice.GoalSlice(name, o.string("odom_topic"), qos(o, "odom_qos", "default"),
                        o.string("goal_topic"), qos(o, "goal_qos", "transient_local"), maxAge(o),
                        o.string("distance_channel", "goal_distance"), o.string("bearing_channel", "goal_bearing"));
            }
            case "joint_state" -> JointMapping.jointState(o, name, maxAge(o, 0.5));
            case "imu" -> JointMapping.imu(o, name, maxAge(o, 0.5));
            case "twist" -> JointMapping.twist(o, name, maxAge(o, 0.0));
            default -> throw o.fail("kind", "must be field, laser_scan, goal, joint_state, imu or twist, got '" + kind + "'");
        };
    }

    static String qos(ParamReader o, String key, String fallback) {
        String q = o.string(key, fallback);
        try {
            dev.myelin.ros2.Qos.profile(q);
        } catch (IllegalArgumentException e) {
            throw o.fail(key, e.getMessage());
        }
        return q;
    }

    private static ActionOutput action(ParamReader a) {
        a.allowOnly(Set.of("channel", "topic", "type", "qos", "field", "unit", "min", "max", "rate_limit", "safe"));
        double min = a.number("min");
        double max = a.number("max");
        if (!(min < max)) {
            throw a.fail("max", "must be greater than min (" + min + "), got " + max);
        }
        double safe = a.number("safe", 0.0);
        if (safe < min || safe > max) {
            throw a.fail("safe", "must lie in [min, max] = [" + min + ", " + max + "], got " + safe);
        }
        return new ActionOutput(a.string("channel"), a.string("topic"), a.string("type", "geometry_msgs/msg/Twist"),
                qos(a, "qos", "default"), a.string("field"), a.string("unit", ""), min, max,
                a.nonNegative("rate_limit", 0.0), safe);
    }
}
