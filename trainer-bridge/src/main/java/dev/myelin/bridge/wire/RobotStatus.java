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
 * "policy","version","file_sha256","ota","at_ms","refused"}}; the policy fields, {@code ota} and
 * {@code refused} only when online ({@code refused} optional).
 *
 * @param ota what the update agent is doing: {@code idle}, {@code downloading}, {@code staged},
 *            {@code checking} (health check of a new policy), {@code paused}
 * @param refused network input the robot refused, counted by cause (see {@link RefusalLog})
 */
public record RobotStatus(String robot, String fleet, boolean online, String policy, String version, String fileSha256,
                          String ota, long atMillis, Map<String, Long> refused) {

    public static final int VERSION = 1;
    public static final int MAX_PAYLOAD_BYTES = 8192;
    private static final Pattern CAUSE = Pattern.compile("[A-Za-z0-9._:-]{1,96}");

    public RobotStatus {
        refused = refused == null ? Map.of() : Map.copyOf(refused);
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
                    f.optCounts("refused", RefusalLog.MAX_CAUSES + 1, CAUSE));
        } else {
            s = offline(robot, fleet);
        }
        f.end();
        return s;
    }
}
