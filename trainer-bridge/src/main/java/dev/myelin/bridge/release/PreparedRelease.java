package dev.myelin.bridge.release;

import dev.myelin.bridge.wire.ChunkMessage;
import dev.myelin.bridge.wire.ReleaseManifest;
import dev.myelin.policy.bundle.BundleFormatException;
import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.PolicyBundle;
import dev.myelin.policy.bundle.TrustedKeys;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A bundle cut into chunks for one channel of one fleet: the chunk messages and a manifest for it (fleet-wide
 * until {@link ReleaseManifest#withStage} narrows it to canaries). Verifies the bundle first, exactly as a
 * robot will (digest, and a signature by one of {@code trusted}), so nothing a robot would refuse is ever
 * published. Immutable.
 */
public record PreparedRelease(byte[] bundleBytes, PolicyBundle bundle, ReleaseManifest manifest, List<byte[]> chunks) {

    public static final int DEFAULT_CHUNK_BYTES = 64 * 1024;

    /**
     * @param chunkBytes data bytes per chunk, {@value ReleaseManifest#MIN_CHUNK_BYTES} to
     *                   {@value ChunkMessage#MAX_DATA_BYTES} (a chunk message stays within 128 KiB)
     * @throws IllegalArgumentException naming what is wrong with the bundle or the settings
     */
    public static PreparedRelease of(byte[] bundleBytes, TrustedKeys trusted, String fleet, String channel,
                                     int chunkBytes, long healthCheckMillis, ReleaseManifest.Activation activation) {
        if (chunkBytes < ReleaseManifest.MIN_CHUNK_BYTES || chunkBytes > ChunkMessage.MAX_DATA_BYTES) {
            throw new IllegalArgumentException("chunk size must be " + ReleaseManifest.MIN_CHUNK_BYTES + ".."
                    + ChunkMessage.MAX_DATA_BYTES + " bytes (a chunk message is at most "
                    + ChunkMessage.MAX_PAYLOAD_BYTES + " bytes), got " + chunkBytes);
        }
        if (healthCheckMillis < 0 || healthCheckMillis > ReleaseManifest.MAX_HEALTH_CHECK_MS) {
            throw new IllegalArgumentException("health check must be 0.." + ReleaseManifest.MAX_HEALTH_CHECK_MS + " ms");
        }
        PolicyBundle b;
        try {
            b = BundleReader.read(bundleBytes, trusted);
        } catch (BundleFormatException e) {
            throw new IllegalArgumentException("bundle refused (robots would refuse it too): " + e.getMessage(), e);
        }
        if (b.signerKeyId() == null) {
            throw new IllegalArgumentException("bundle is unsigned; robots only install bundles signed with a release key");
        }
        byte[] fileSha = sha256(bundleBytes, 0, bundleBytes.length);
        String fileHex = HexFormat.of().formatHex(fileSha);
        int count = ReleaseManifest.chunkCount(bundleBytes.length, chunkBytes);
        List<byte[]> chunks = new ArrayList<>(count);
        List<String> hashes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * chunkBytes;
            int len = Math.min(chunkBytes, bundleBytes.length - from);
            chunks.add(ChunkMessage.encode(fileSha, i, count, bundleBytes, from, len));
            hashes.add(HexFormat.of().formatHex(sha256(bundleBytes, from, len)));
        }
        ReleaseManifest m = new ReleaseManifest(fleet, channel, b.name(),
                ReleaseManifest.releaseId(b.name(), b.version(), fileHex), b.version(), fileHex, b.digest(), b.signerKeyId(),
                bundleBytes.length, chunkBytes, hashes, ReleaseManifest.Stage.FLEET, List.of(), activation,
                healthCheckMillis, System.currentTimeMillis());
        return new PreparedRelease(bundleBytes.clone(), b, m, List.copyOf(chunks));
    }

    static byte[] sha256(byte[] b, int off, int len) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(b, off, len);
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
