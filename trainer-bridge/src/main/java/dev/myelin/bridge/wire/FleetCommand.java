package dev.myelin.bridge.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.myelin.policy.bundle.ReleaseVersion;

import java.util.regex.Pattern;

/**
 * A signed instruction to one robot's update agent, on {@code myelin/<fleet>/commands/<robot>} (QoS 1, kept
 * for offline robots by their persistent session). Signed with a release key ({@link SignedEnvelope}, purpose
 * {@value #PURPOSE}); a robot applies each command id once and refuses expired commands. Immutable.
 *
 * <ul>
 *   <li>{@code activate}: run the staged release {@code file_sha256} (also re-admits a release that failed before);</li>
 *   <li>{@code rollback}: go back to the older release {@code file_sha256}; the only way to install a lower version;</li>
 *   <li>{@code pause} / {@code resume}: stop / restart taking new releases for {@code policy}.</li>
 * </ul>
 *
 * <p>Body, version 1: {@code {"v":1,"kind":"command","id","fleet","robot","action","policy","version",
 * "file_sha256","issued_at_ms","expires_at_ms"}} ({@code version} and {@code file_sha256} for activate and
 * rollback only).
 */
public record FleetCommand(String id, String fleet, String robot, Action action, String policy, ReleaseVersion version,
                           String fileSha256, long issuedAtMillis, long expiresAtMillis) {

    public static final int VERSION = 1;
    public static final String PURPOSE = "command";
    public static final int MAX_PAYLOAD_BYTES = 8192;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public enum Action {
        ACTIVATE, ROLLBACK, PAUSE, RESUME;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        boolean namesRelease() {
            return this == ACTIVATE || this == ROLLBACK;
        }
    }

    public FleetCommand {
        if (action.namesRelease() && (version == null || fileSha256 == null)) {
            throw new IllegalArgumentException(action.wire() + " names a release: version and file_sha256 are required");
        }
    }

    public byte[] toBody() {
        ObjectNode o = JsonFields.object();
        o.put("v", VERSION);
        o.put("kind", PURPOSE);
        o.put("id", id);
        o.put("fleet", fleet);
        o.put("robot", robot);
        o.put("action", action.wire());
        o.put("policy", policy);
        if (action.namesRelease()) {
            o.put("version", version.toString());
            o.put("file_sha256", fileSha256);
        }
        o.put("issued_at_ms", issuedAtMillis);
        o.put("expires_at_ms", expiresAtMillis);
        return JsonFields.bytes(o);
    }

    public byte[] seal(ReleaseSigner signer) {
        return SignedEnvelope.seal(PURPOSE, toBody(), signer);
    }

    public static FleetCommand open(byte[] payload, ReleaseKeys keys) throws PayloadException {
        return parseBody(SignedEnvelope.open(payload, PURPOSE, keys, MAX_PAYLOAD_BYTES).body());
    }

    public static FleetCommand parseBody(byte[] body) throws PayloadException {
        JsonFields f = JsonFields.parse(body, "command", MAX_PAYLOAD_BYTES).version(VERSION).kind(PURPOSE);
        String id = f.text("id", ID, "a command id");
        String fleet = f.text("fleet", JsonFields.NAME, "a fleet name");
        String robot = f.text("robot", JsonFields.NAME, "a robot id");
        Action action = Action.valueOf(f.oneOf("action", "activate", "rollback", "pause", "resume")
                .toUpperCase(java.util.Locale.ROOT));
        String policy = f.text("policy", JsonFields.NAME, "a policy name");
        ReleaseVersion version = null;
        String sha = null;
        if (action.namesRelease()) {
            try {
                version = ReleaseVersion.parse(f.text("version"));
            } catch (IllegalArgumentException e) {
                throw new PayloadException("command.version", e.getMessage());
            }
            sha = f.text("file_sha256", JsonFields.SHA256_HEX, "a lowercase hex SHA-256");
        }
        long issued = f.integer("issued_at_ms", 0, Long.MAX_VALUE);
        long expires = f.integer("expires_at_ms", 0, Long.MAX_VALUE);
        f.end();
        if (expires < issued) {
            throw new PayloadException("command.expires_at_ms", "is before issued_at_ms");
        }
        return new FleetCommand(id, fleet, robot, action, policy, version, sha, issued, expires);
    }
}
