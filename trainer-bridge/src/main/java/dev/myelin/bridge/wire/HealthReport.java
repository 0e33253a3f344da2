package dev.myelin.bridge.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.regex.Pattern;

/**
 * What a robot says about one release, on {@code myelin/<fleet>/robots/<robot>/health} (QoS 1, not retained):
 * the event and the control loop's counters over the window it covers. Immutable.
 *
 * <p>Version 1: {@code {"v":1,"kind":"health","robot","policy","release","version","file_sha256","event",
 * "reason","ticks","safety_interventions","nan_actions","deadline_misses","at_ms"}}.
 */
public record HealthReport(String robot, String policy, String releaseId, String version, String fileSha256,
                           Event event, String reason, long ticks, long safetyInterventions, long nanActions,
                           long deadlineMisses, long atMillis) {

    public static final int VERSION = 1;
    public static final int MAX_PAYLOAD_BYTES = 8192;
    private static final Pattern RELEASE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,160}");

    /** What happened. */
    public enum Event {
        /** The release failed download verification (digest, signature, version rule) and will not be installed. */
        REFUSED,
        /** The release is staged in its slot and waits for an activate command. */
        STAGED,
        /** The release runs; its health check has begun. */
        ACTIVATED,
        /** The release passed its health check and is now the committed policy. */
        COMMITTED,
        /** The release was taken out again (health check failed, restart before commit, rollback command). */
        ROLLED_BACK,
        /** Periodic counters of the running policy. */
        REPORT;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        static Event fromWire(String s) {
            return valueOf(s.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    public byte[] toBytes() {
        ObjectNode o = JsonFields.object();
        o.put("v", VERSION);
        o.put("kind", "health");
        o.put("robot", robot);
        o.put("policy", policy);
        o.put("release", releaseId);
        o.put("version", version);
        o.put("file_sha256", fileSha256);
        o.put("event", event.wire());
        o.put("reason", reason == null ? "" : reason.length() > 1000 ? reason.substring(0, 1000) : reason);
        o.put("ticks", ticks);
        o.put("safety_interventions", safetyInterventions);
        o.put("nan_actions", nanActions);
        o.put("deadline_misses", deadlineMisses);
        o.put("at_ms", atMillis);
        return JsonFields.bytes(o);
    }

    public static HealthReport parse(byte[] payload) throws PayloadException {
        JsonFields f = JsonFields.parse(payload, "health", MAX_PAYLOAD_BYTES).version(VERSION).kind("health");
        HealthReport r = new HealthReport(f.text("robot", JsonFields.NAME, "a robot id"),
                f.text("policy", JsonFields.NAME, "a policy name"), f.text("release", RELEASE_ID, "a release id"),
                f.text("version"), f.text("file_sha256", JsonFields.SHA256_HEX, "a lowercase hex SHA-256"),
                Event.fromWire(f.oneOf("event", "refused", "staged", "activated", "committed", "rolled-back", "report")),
                f.text("reason"), f.integer("ticks", 0, Long.MAX_VALUE),
                f.integer("safety_interventions", 0, Long.MAX_VALUE), f.integer("nan_actions", 0, Long.MAX_VALUE),
                f.integer("deadline_misses", 0, Long.MAX_VALUE), f.integer("at_ms", 0, Long.MAX_VALUE));
        f.end();
        return r;
    }
}
