package dev.myelin.bridge.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * A robot's presence and running policy, published retained on {@code myelin/<fleet>/robots/<robot>/status}.
 * The same topic carries the robot's last will, {@code state = offline}, which the broker publishes when the
 * robot vanishes without disconnecting. Immutable.
 *
 * <p>Version 1: {@code {"v":1,"kind":"robot-status","robot","fleet","state":"online"|"offline",
 * "policy","version","file_sha256","ota","at_ms","refused","loop","experience_backlog"}}; the policy fields,
 * {@code ota}, {@code refused} and the telemetry only when online ({@code refused}, {@code loop} =
 * {@code {"jitter_p99_us","io_p99_us","deadline_misses"}} and {@code experience_backlog} optional).
 *
 * @param ota       what the update agent is doing: {@code idle}, {@code downloading}, {@code staged},
 *                  {@code checking} (health check of a new policy), {@code paused}
 * @param refused   network input the robot refused, counted by cause (see {@link RefusalLog})
 * @param telemetry the robot's loop timing and experience backlog, as far as it reports them
 */
public record RobotStatus(String robot, String fleet, boolean online, String policy, String version, String fileSha256,
                          String ota, long atMillis, Map<String, Long> refused, Telemetry telemetry) {

    public static final int VERSION = 1;
    public static final int MAX_PAYLOAD_BYTES = 8192;
    /** Largest loop time accepted, microseconds (one minute). */
    public static final long MAX_MICROS = 60_000_000L;
    /** Largest count accepted: 2^53, the largest integer a JavaScript number holds exactly. */
    public static final long MAX_COUNT = 1L << 53;
    private static final Pattern CAUSE = Pattern.compile("[A-Za-z0-9._:-]{1,96}");

    /**
     * The control loop's timing since it started.
     *
     * @param jitterP99Micros 99th percentile of the deviation of tick starts from their period, microseconds
     * @param ioP99Micros     99th percentile of the time from an input's arrival to the output written, microseconds
     * @param deadlineMisses  control periods missed
     */
    public record Loop(long jitterP99Micros, long ioP99Micros, long deadlineMisses) {
        public Loop {
            if (jitterP99Micros < 0 || jitterP99Micros > MAX_MICROS || ioP99Micros < 0 || ioP99Micros > MAX_MICROS) {
                throw new IllegalArgumentException("loop times must be in [0, " + MAX_MICROS + "] us, got jitter "
                        + jitterP99Micros + ", in-to-out " + ioP99Micros);
            }
            if (deadlineMisses < 0 || deadlineMisses > MAX_COUNT) {
                throw new IllegalArgumentException("deadline misses must be in [0, " + MAX_COUNT + "], got " + deadlineMisses);
            }
        }
    }

    /**
     * What the robot reports of its own running beyond the update agent's state.
     *
     * @param loop              the control loop's timing, or null when not reported
     * @param experienceBacklog transitions recorded but not yet uploaded, or -1 when not reported
     */
    public record Telemetry(Loop loop, long experienceBacklog) {
        public static final Telemetry NONE = new Telemetry(null, -1);

        public Telemetry {
            if (experienceBacklog < -1 || experienceBacklog > MAX_COUNT) {
                throw new IllegalArgumentException("experience backlog must be -1 (not reported) or in [0, " + MAX_COUNT
                        + "], got " + experienceBacklog);
            }
        }
    }

    public RobotStatus {
        refused = refused == null ? Map.of() : Map.copyOf(refused);
        telemetry = telemetry == null ? Telemetry.NONE : telemetry;
    }

    public RobotStatus(String robot, String fleet, boolean online, String policy, String version, String fileSha256,
                       String ota, long atMillis, Map<String, Long> refused) {
        this(robot, fleet, online, policy, version, fileSha256, ota, atMillis, refused, Telemetry.NONE);
    }

    public RobotStatus(String robot, String fleet, boolean online, String policy, String version, String fileSha256,
                       String ota, long atMillis) {
        this(robot, fleet, online, policy, version, fileSha256, ota, atMillis, Map.of());
    }

    public static RobotStatus offline(String robot, String fleet) {
        return new RobotStatus(robot, fleet, false, null, null, null, null, 0, Map.of());
    }

    public byte[] toBytes() {
        ObjectNode o = JsonFields.object();
        o.put("v", VERSION);
        o.put("kind", "robot-status");
        o.put("robot", robot);
        o.put("fleet", fleet);
        o.put("state", online ? "online" : "offline");
        if (online) {
            o.put("policy", policy);
            o.put("version", version);
            o.put("file_sha256", fileSha256);
            o.put("ota", ota);
            o.put("at_ms", atMillis);
            if (!refused.isEmpty()) {
                ObjectNode r = o.putObject("refused");
                new java.util.TreeMap<>(refused).forEach(r::put);
            }
            Loop l = telemetry.loop();
            if (l != null) {
                o.putObject("loop").put("jitter_p99_us", l.jitterP99Micros()).put("io_p99_us", l.ioP99Micros())
                        .put("deadline_misses", l.deadlineMisses());
            }
            if (telemetry.experienceBacklog() >= 0) {
                o.put("experience_backlog", telemetry.experienceBacklog());
            }
        }
        return JsonFields.bytes(o);
    }

    public static RobotStatus parse(byte[] payload) throws PayloadException {
        JsonFields f = JsonFields.parse(payload, "status", MAX_PAYLOAD_BYTES).version(VERSION).kind("robot-status");
        String robot = f.text("robot", JsonFields.NAME, "a robot id");
        String fleet = f.text("fleet", JsonFields.NAME, "a fleet name");
        boolean online = f.oneOf("state", "online", "offline").equals("online");
        RobotStatus s;
        if (online) {
            s = new RobotStatus(robot, fleet, true, f.text("policy", JsonFields.NAME, "a policy name"),
                    f.text("version"), f.text("file_sha256", JsonFields.SHA256_HEX, "a lowercase hex SHA-256"),
                    f.oneOf("ota", "idle", "downloading", "staged", "checking", "paused"), f.integer("at_ms", 0, Long.MAX_VALUE),
                    f.optCounts("refused", RefusalLog.MAX_CAUSES + 1, CAUSE), telemetry(f));
        } else {
            s = offline(robot, fleet);
        }
        f.end();
        return s;
    }

    private static Telemetry telemetry(JsonFields f) throws PayloadException {
        JsonFields lf = f.optObject("loop");
        Loop loop = null;
        if (lf != null) {
            for (String header : new String[] {"v", "kind"}) { // allowed only at the top level
                if (lf.has(header)) {
                    throw new PayloadException("status.loop." + header, "unknown field");
                }
            }
            loop = new Loop(lf.integer("jitter_p99_us", 0, MAX_MICROS), lf.integer("io_p99_us", 0, MAX_MICROS),
                    lf.integer("deadline_misses", 0, MAX_COUNT));
            lf.end();
        }
        return new Telemetry(loop, f.optInteger("experience_backlog", 0, MAX_COUNT, -1));
    }
}
