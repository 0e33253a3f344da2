package dev.myelin.bridge.wire;

import dev.myelin.policy.bundle.SigningKeys;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/**
 * The trainer's release key: signs manifest and command envelopes ({@link SignedEnvelope}); the same key
 * signs bundles through {@code BundleWriter.optSigningKey}. Immutable; callable from any thread.
 */
public final class ReleaseSigner {

    private final PrivateKey key;
    private final PublicKey publicKey;
    private final String keyId;

    public ReleaseSigner(PrivateKey key) {
        try {
            this.publicKey = SigningKeys.publicKeyOf(key);
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("release signing key: " + e.getMessage(), e);
        }
        this.key = key;
        this.keyId = SigningKeys.keyId(publicKey);
    }

    public PrivateKey privateKey() {
        return key;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public String keyId() {
        return keyId;
    }

    byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with Ed25519 on this JDK", e);
        }
    }
}
