package dev.myelin.bridge.wire;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.myelin.policy.bundle.ReleaseVersion;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a robot needs to fetch and judge one policy release before downloading it: the bundle's identity
 * (name, version, whole-file SHA-256, internal digest, signing key), its chunking (chunk size and the
 * SHA-256 of every chunk, so each chunk is checked on arrival and a bad one re-requested), who should
 * install it now ({@link Stage#CANARY}: the listed robots; {@link Stage#FLEET}: every robot on the channel),
 * how it is activated and how long its health check lasts. Published retained and signed
 * ({@link SignedEnvelope}, purpose {@value #PURPOSE}) on {@code myelin/<fleet>/releases/<policy>/<channel>}.
 * Immutable.
 *
 * <p>Body, version 1: {@code {"v":1,"kind":"release-manifest","fleet","channel","policy","release",
 * "version","file_sha256","bundle_digest","signer_key_id","bundle_bytes","chunk_bytes","chunk_sha256":[...],
 * "stage":"canary"|"fleet","canary_robots":[...],"activation":"immediate"|"command","health_check_ms",
 * "issued_at_ms"}}.
 */
public record ReleaseManifest(String fleet, String channel, String policy, String releaseId, ReleaseVersion version,
                              String fileSha256, String bundleDigest, String signerKeyId, long bundleBytes,
                              int chunkBytes, List<String> chunkSha256, Stage stage, List<String> canaryRobots,
                              Activation activation, long healthCheckMillis, long issuedAtMillis) {

    public static final int VERSION = 1;
    public static final String PURPOSE = "release-manifest";
    /** Largest signed manifest accepted; the chunk hash list dominates (about 67 bytes per chunk). */
    public static final int MAX_PAYLOAD_BYTES = 256 * 1024;
    public static final long MAX_BUNDLE_BYTES = 256L * 1024 * 1024;
    public static final int MIN_CHUNK_BYTES = 1024;
    public static final int MAX_ROBOTS = 10_000;
    public static final long MAX_HEALTH_CHECK_MS = 3_600_000;
    private static final Pattern RELEASE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,160}");
    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{16}");
    private static final Pattern VERSION_TEXT = Pattern.compile("[0-9]{1,9}\\.[0-9]{1,9}\\.[0-9]{1,9}");

    /** Who installs the release now. */
    public enum Stage {
        CANARY, FLEET;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** {@code IMMEDIATE}: install as soon as verified; {@code COMMAND}: stage, then wait for a signed activate command. */
    public enum Activation {
        IMMEDIATE, COMMAND;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ReleaseManifest {
        canaryRobots = List.copyOf(canaryRobots);
        chunkSha256 = List.copyOf(chunkSha256);
        if (stage == Stage.FLEET && !canaryRobots.isEmpty()) {
            throw new IllegalArgumentException("a fleet-wide manifest names no canary robots");
        }
        if (chunkSha256.size() != chunkCount(bundleBytes, chunkBytes)) {
            throw new IllegalArgumentException(chunkSha256.size() + " chunk hashes for " + bundleBytes + " bytes in chunks of "
                    + chunkBytes);
        }
        if (!releaseId.equals(releaseId(policy, version, fileSha256))) {
            throw new IllegalArgumentException("release id " + releaseId + " does not match the bundle");
        }
    }

    /** The release id: {@code <policy>-<version>-<first 12 hex of the file's SHA-256>}. */
    public static String releaseId(String policy, ReleaseVersion version, String fileSha256) {
        return policy + "-" + version + "-" + fileSha256.substring(0, 12);
    }

    public static int chunkCount(long bundleBytes, int chunkBytes) {
        return (int) ((bundleBytes + chunkBytes - 1) / chunkBytes);
    }

    public int chunkCount() {
        return chunkSha256.size();
    }

    /** Bytes in chunk {@code index} (the last chunk may be shorter). */
    public int chunkLength(int index) {
        long start = (long) index * chunkBytes;
        return (int) Math.min(chunkBytes, bundleBytes - start);
    }

    /** Whether {@code robotId} should install this release now. */
    public boolean targets(String robotId) {
        return stage == Stage.FLEET || canaryRobots.contains(robotId);
    }

    /** The same release for another stage, reissued now. */
    public ReleaseManifest withStage(Stage newStage, List<String> robots, long issuedAt) {
        return new ReleaseManifest(fleet, channel, policy, releaseId, version, fileSha256, bundleDigest, signerKeyId,
                bundleBytes, chunkBytes, chunkSha256, newStage, robots, activation, healthCheckMillis, issuedAt);
    }

    public byte[] toBody() {
        ObjectNode o = JsonFields.object();
        o.put("v", VERSION);
        o.put("kind", PURPOSE);
        o.put("fleet", fleet);
        o.put("channel", channel);
        o.put("policy", policy);
        o.put("release", releaseId);
        o.put("version", version.toString());
        o.put("file_sha256", fileSha256);
        o.put("bundle_digest", bundleDigest);
        o.put("signer_key_id", signerKeyId);
        o.put("bundle_bytes", bundleBytes);
        o.put("chunk_bytes", chunkBytes);
        ArrayNode chunks = o.putArray("chunk_sha256");
        chunkSha256.forEach(chunks::add);
        o.put("stage", stage.wire());
        ArrayNode robots = o.putArray("canary_robots");
        canaryRobots.forEach(robots::add);
        o.put("activation", activation.wire());
        o.put("health_check_ms", healthCheckMillis);
        o.put("issued_at_ms", issuedAtMillis);
        return JsonFields.bytes(o);
    }

    /** The signed payload published on the manifest topic. */
    public byte[] seal(ReleaseSigner signer) {
        return SignedEnvelope.seal(PURPOSE, toBody(), signer);
    }

    /** Verifies and parses a signed manifest payload; every refusal names the field. */
    public static ReleaseManifest open(byte[] payload, ReleaseKeys keys) throws PayloadException {
        return parseBody(SignedEnvelope.open(payload, PURPOSE, keys, MAX_PAYLOAD_BYTES).body());
    }

    /** Parses a manifest body (already verified). */
    public static ReleaseManifest parseBody(byte[] body) throws PayloadException {
        JsonFields f = JsonFields.parse(body, "manifest", MAX_PAYLOAD_BYTES).version(VERSION).kind(PURPOSE);
        String fleet = f.text("fleet", JsonFields.NAME, "a fleet name");
        String channel = f.text("channel", JsonFields.NAME, "a channel name");
        String policy = f.text("policy", JsonFields.NAME, "a policy name");
        String release = f.text("release", RELEASE_ID, "a release id");
        ReleaseVersion version;
        String vText = f.text("version", VERSION_TEXT, "a MAJOR.MINOR.PATCH version");
        try {
            version = ReleaseVersion.parse(vText);
        } catch (IllegalArgumentException e) {
            throw new PayloadException("manifest.version", e.getMessage());
        }
        String fileSha = f.text("file_sha256", JsonFields.SHA256_HEX, "a lowercase hex SHA-256");
        String digest = f.text("bundle_digest", JsonFields.SHA256_HEX, "a lowercase hex SHA-256");
        String signer = f.text("signer_key_id", KEY_ID, "a key id (16 lowercase hex digits)");
        long bytes = f.integer("bundle_bytes", 1, MAX_BUNDLE_BYTES);
        int chunkBytes = (int) f.integer("chunk_bytes", MIN_CHUNK_BYTES, ChunkMessage.MAX_DATA_BYTES);
        int expectedChunks = chunkCount(bytes, chunkBytes);
        List<String> chunks = f.texts("chunk_sha256", expectedChunks, JsonFields.SHA256_HEX, "a lowercase hex SHA-256");
        if (chunks.size() != expectedChunks) {
            throw new PayloadException("manifest.chunk_sha256", chunks.size() + " hashes, but " + bytes
                    + " bytes in chunks of " + chunkBytes + " make " + expectedChunks);
        }
        Stage stage = Stage.valueOf(f.oneOf("stage", "canary", "fleet").toUpperCase(java.util.Locale.ROOT));
        List<String> robots = f.texts("canary_robots", MAX_ROBOTS, JsonFields.NAME, "a robot id");
        if (stage == Stage.CANARY && robots.isEmpty()) {
            throw new PayloadException("manifest.canary_robots", "a canary release names at least one robot");
        }
        if (stage == Stage.FLEET && !robots.isEmpty()) {
            throw new PayloadException("manifest.canary_robots", "a fleet-wide release names no canary robots");
        }
        Activation activation = Activation.valueOf(f.oneOf("activation", "immediate", "command")
                .toUpperCase(java.util.Locale.ROOT));
        long health = f.integer("health_check_ms", 0, MAX_HEALTH_CHECK_MS);
        long issued = f.integer("issued_at_ms", 0, Long.MAX_VALUE);
        f.end();
        if (!release.equals(releaseId(policy, version, fileSha))) {
            throw new PayloadException("manifest.release", "'" + release + "' is not " + releaseId(policy, version, fileSha)
                    + " (policy-version-file hash prefix)");
        }
        return new ReleaseManifest(fleet, channel, policy, release, version, fileSha, digest, signer, bytes, chunkBytes,
                chunks, stage, robots, activation, health, issued);
    }
}
