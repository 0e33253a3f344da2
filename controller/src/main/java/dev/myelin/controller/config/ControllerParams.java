package dev.myelin.controller.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.myelin.controller.loop.IdleStrategy;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.ros2.TopicNames;
import dev.myelin.ros2.msg.Field;
import dev.myelin.ros2.msg.FieldKind;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.msg.MessageTypes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The controller's configuration, read from a ROS 2-style parameter file:
 *
 * <pre>{@code
 * controller:
 *   ros__parameters:
 *     rate_hz: 100                       # 10..1000
 *     idle_strategy: spin-then-park      # busy-spin | spin-then-park | park
 *     realtime_priority: 0               # SCHED_FIFO priority of the loop thread, 1..99; 0 = normal
 *     engine: event
 *     trusted_keys: [robot.pub]          # relative to this file; empty = unsigned bundles accepted
 *     observations:
 *       - {name: lidar, kind: laser_scan, topic: /scan, sectors: 16, clip: [0.12, 3.5], max_age_s: 0.5}
 *                                        # max_age_s > 0; "disabled" switches the stale-input watchdog off
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
 * Immutable; {@link #read} validates everything and names the parameter that is wrong in one line
 * {@code file:line: key what}: keys given twice, keys with empty (null) values, non-finite numbers and
 * out-of-range values are refused, and so are what start-up would refuse later (invalid topic names, one
 * topic read as two message types, unknown message types and engines, trusted keys that are not regular
 * files). {@link #fromParameters} runs the same checks on parameters that come from elsewhere (a
 * parameter service), naming the key.
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

    /** Reads and validates a parameter file; anything but a regular file is refused by name at once. */
    public static ControllerParams read(Path file) throws IOException {
        String text;
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new ParamsException(file + ": not a regular file (" + (Files.isDirectory(file) ? "a directory"
                    : "a pipe, device or socket") + "); give the parameter file itself");
        }
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
        LocatedYaml.Doc doc = LocatedYaml.parse(yaml, source);
        JsonNode root = doc.root();
        if (root == null || !root.isObject() || root.size() != 1) {
            throw new ParamsException(source + ":1: expected one top-level node name, e.g. 'controller:', holding 'ros__parameters:'");
        }
        String nodeName = root.fieldNames().next();
        JsonNode nodeParams = root.get(nodeName);
        if (nodeParams == null || !nodeParams.isObject() || !nodeParams.has("ros__parameters")) {
            Integer line = doc.lines().get("/" + nodeName);
            throw new ParamsException(source + ":" + (line == null ? 1 : line) + ": " + nodeName + " must hold 'ros__parameters:'",
                    nodeName);
        }
        return check(new ParamReader(source, nodeName + ".ros__parameters", "/" + nodeName + "/ros__parameters", doc.lines(),
                nodeParams.get("ros__parameters")), nodeName, base);
    }

    /**
     * Validates parameters that did not come from a file (e.g. a parameter service setting one value):
     * {@code parameters} is the {@code ros__parameters} mapping of node {@code nodeName}. The exception names
     * the key ({@link ParamsException#key()}); relative key paths resolve against {@code base}.
     */
    public static ControllerParams fromParameters(String nodeName, JsonNode parameters, Path base) {
        return fromParameters(nodeName, nodeName, parameters, Map.of(), base);
    }

    /**
     * As {@link #fromParameters(String, JsonNode, Path)} for parameters written inside another file
     * ({@code source}, e.g. a launch file): {@code lines} gives the line of each key by JSON pointer
     * relative to {@code parameters} ({@code ""} is the mapping itself, {@code /actions/0/max} a key).
     */
    public static ControllerParams fromParameters(String source, String nodeName, JsonNode parameters,
                                                  Map<String, Integer> lines, Path base) {
        return check(new ParamReader(source, nodeName + ".ros__parameters", "", lines, parameters), nodeName, base);
    }

    private static ControllerParams check(ParamReader p, String nodeName, Path base) {
        try {
            TopicNames.validateNodeName(nodeName);
        } catch (IllegalArgumentException e) {
            throw p.fail(p.path(), e.getMessage());
        }
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
        List<String> engines = knownEngines();
        String engineName = engine.contains(":") ? engine.substring(0, engine.indexOf(':')) : engine;
        if (!engines.contains(engineName)) {
            throw p.fail("engine", "'" + engine + "' is not an engine here (known: " + String.join(", ", engines) + ")");
        }
        List<Path> keys = new ArrayList<>();
        List<String> keyNames = p.strings("trusted_keys");
        for (int i = 0; i < keyNames.size(); i++) {
            Path kp = Path.of(keyNames.get(i));
            Path resolved = kp.isAbsolute() || base == null ? kp : base.resolve(kp);
            if (!Files.isRegularFile(resolved)) {
                throw p.fail(keyNames.size() == 1 && !p.isList("trusted_keys") ? "trusted_keys" : "trusted_keys[" + i + "]",
                        resolved + (Files.exists(resolved) ? " is not a regular file" : " does not exist"));
            }
            keys.add(resolved);
        }
        boolean startActive = p.bool("start_active", true);

        List<ObservationSlice> slices = new ArrayList<>();
        Set<String> sliceNames = new HashSet<>();
        Map<String, String> topicTypes = new HashMap<>();
        for (ParamReader o : p.list("observations")) {
            ObservationSlice s = observation(o);
            if (!sliceNames.add(s.name())) {
                throw o.fail("name", "'" + s.name() + "' is used by another observation slice");
            }
            switch (s) {
                case ObservationSlice.FieldSlice f -> {
                    Field field = messageField(o, "type", f.type(), "field", f.field());
                    if (!field.isScalar() || !(field.kind().isNumeric() || field.kind() == FieldKind.BOOL)) {
                        throw o.fail("field", f.field() + " is " + field.typeSpelling() + ", not a single number");
                    }
                    readAs(o, "topic", f.topic(), f.type(), nodeName, topicTypes);
                }
                case ObservationSlice.ScanSlice sc -> readAs(o, "topic", sc.topic(), "sensor_msgs/msg/LaserScan", nodeName, topicTypes);
                case ObservationSlice.GoalSlice g -> {
                    readAs(o, "odom_topic", g.odomTopic(), "nav_msgs/msg/Odometry", nodeName, topicTypes);
                    readAs(o, "goal_topic", g.goalTopic(), "geometry_msgs/msg/PoseStamped", nodeName, topicTypes);
                }
                case ObservationSlice.JointStateSlice j -> readAs(o, "topic", j.topic(), "sensor_msgs/msg/JointState", nodeName, topicTypes);
                case ObservationSlice.ImuSlice m -> readAs(o, "topic", m.topic(), "sensor_msgs/msg/Imu", nodeName, topicTypes);
                case ObservationSlice.TwistSlice t -> readAs(o, "topic", t.topic(), "geometry_msgs/msg/Twist", nodeName, topicTypes);
            }
            slices.add(s);
        }
        List<ActionOutput> actions = new ArrayList<>();
        Set<String> actionChannels = new HashSet<>();
        Set<String> targets = new HashSet<>();
        for (ParamReader a : p.list("actions")) {
            boolean jointArray = JointMapping.isJointArray(a);
            for (ActionOutput out : jointArray ? JointMapping.jointArray(a) : List.of(action(a))) {
                if (!jointArray) {
                    topicName(a, "topic", out.topic(), nodeName);
                    Field written = messageField(a, "type", out.type(), "field", out.field());
                    if (!written.isScalar() || !written.kind().isFloatingPoint()) {
                        throw a.fail("field", out.field() + " is " + written.typeSpelling() + "; actions write float32 or float64 fields");
                    }
                }
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
            for (String k : List.of("estop_topic", "estop_reset_topic", "reset_topic")) {
                if (safety.has(k)) {
                    topicName(safety, k, safety.string(k), nodeName);
                }
            }
            messageType(safety, "reset_type", resetType);
        }
        ParamReader diag = p.child("diagnostics");
        String diagTopic = "/diagnostics";
        double diagPeriod = 1.0;
        String hardwareId = "myelin";
        if (diag != null) {
            diag.allowOnly(Set.of("topic", "period_s", "hardware_id"));
            diagTopic = diag.string("topic", diagTopic);
            topicName(diag, "topic", diagTopic, nodeName);
            diagPeriod = diag.positive("period_s", diagPeriod);
            hardwareId = diag.string("hardware_id", hardwareId);
        }
        return new ControllerParams(nodeName, rate, idle, rtPriority, engine, keys, startActive, slices, actions, estop, estopReset,
                reset, resetType, diagTopic, diagPeriod, hardwareId);
    }

    /** The word that switches a slice's stale-input watchdog off, deliberately ({@code max_age_s: disabled}). */
    public static final String WATCHDOG_DISABLED = "disabled";

    /** Nanoseconds; 0 only for an explicit {@code max_age_s: disabled}. */
    private static long maxAge(ParamReader o) {
        return maxAge(o, 0.5);
    }

    /** As above; an absent {@code max_age_s} gives {@code fallbackSeconds} (0: no watchdog by default). */
    static long maxAge(ParamReader o, double fallbackSeconds) {
        if (o.isText("max_age_s")) {
            if (o.string("max_age_s").equals(WATCHDOG_DISABLED)) {
                return 0;
            }
            throw o.fail("max_age_s", "must be a number of seconds > 0, or '" + WATCHDOG_DISABLED
                    + "' to switch the stale-input watchdog off, got '" + o.string("max_age_s") + "'");
        }
        if (!o.has("max_age_s")) {
            return Math.round(fallbackSeconds * 1e9);
        }
        double s = o.number("max_age_s", fallbackSeconds);
        if (!(s > 0)) {
            throw o.fail("max_age_s", "must be > 0 s (write '" + WATCHDOG_DISABLED
                    + "' to switch the stale-input watchdog off deliberately), got " + s);
        }
        return Math.round(s * 1e9);
    }

    private static List<String> knownEngines() {
        List<String> names = new ArrayList<>(InferenceEngines.BUILT_IN);
        for (InferenceEngines.EngineFactory f : ServiceLoader.load(InferenceEngines.EngineFactory.class)) {
            names.add(f.name());
        }
        return names;
    }

    private static void topicName(ParamReader r, String key, String topic, String nodeName) {
        try {
            TopicNames.expand(topic, nodeName, "/");
        } catch (IllegalArgumentException e) {
            throw r.fail(key, e.getMessage());
        }
    }

    /** Every slice reading one topic must read it as the same message type. */
    private static void readAs(ParamReader r, String key, String topic, String type, String nodeName, Map<String, String> types) {
        topicName(r, key, topic, nodeName);
        String fqn = TopicNames.expand(topic, nodeName, "/");
        String canonical = messageType(r, key.equals("topic") && r.has("type") ? "type" : key, type);
        String before = types.putIfAbsent(fqn, canonical);
        if (before != null && !before.equals(canonical)) {
            throw r.fail(key, fqn + " is read as " + before + " by another slice, not " + canonical);
        }
    }

    private static String messageType(ParamReader r, String key, String type) {
        try {
            String canonical = MessageTypes.canonicalName(type);
            MessageTypes.standard().get(canonical);
            return canonical;
        } catch (RuntimeException e) {
            throw r.fail(key, "'" + type + "' is not a known message type (" + e.getMessage() + ")");
        }
    }

    private static Field messageField(ParamReader r, String typeKey, String type, String fieldKey, String field) {
        MessageType t = MessageTypes.standard().get(messageType(r, typeKey, type));
        try {
            return t.field(field);
        } catch (RuntimeException e) {
            throw r.fail(fieldKey, t.name() + " has no field '" + field + "'");
        }
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
