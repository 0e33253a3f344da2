package dev.myelin.bridge.ota;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as lowercase hex, as the release manifest writes it. One instance per thread (the agent's). */
final class Sha256 {

    private final MessageDigest digest;

    Sha256() {
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    String hex(byte[] b, int off, int len) {
        digest.reset();
        digest.update(b, off, len);
        return HexFormat.of().formatHex(digest.digest());
    }

    String hex(byte[] b) {
        return hex(b, 0, b.length);
    }
}
