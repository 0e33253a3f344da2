package dev.myelin.bridge.wire;

import dev.myelin.policy.bundle.SigningKeys;
import dev.myelin.policy.bundle.TrustedKeys;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Ed25519 release keys a robot trusts: they verify policy bundles (through {@link #bundleKeys()}) and
 * the signed envelopes of release manifests and fleet commands ({@link SignedEnvelope}). Several keys may be
 * trusted at once, so a fleet can rotate keys (sign with the new key while robots still trust the old one).
 * Never empty: a robot without release keys accepts no release. Immutable; share between threads.
 */
public final class ReleaseKeys {

    private final Map<String, PublicKey> byId;
    private final TrustedKeys bundleKeys;

    private ReleaseKeys(Map<String, PublicKey> byId) {
        this.byId = byId;
        this.bundleKeys = TrustedKeys.of(byId.values());
    }

    /** Trust these keys (at least one, Ed25519, distinct key ids). */
    public static ReleaseKeys of(List<PublicKey> keys) {
        if (keys == null || keys.isEmpty()) {
            throw new IllegalArgumentException("no release keys given: a robot must trust at least one release key");
        }
        Map<String, PublicKey> m = new LinkedHashMap<>();
        for (PublicKey k : keys) {
            m.putIfAbsent(SigningKeys.keyId(k), k);
        }
        return new ReleaseKeys(Collections.unmodifiableMap(m));
    }

    public static ReleaseKeys of(PublicKey... keys) {
        return of(List.of(keys));
    }

    /** Trust the keys in these PEM public key files; the exception names the file that failed. */
    public static ReleaseKeys load(List<Path> pemFiles) throws IOException, InvalidKeyException {
        List<PublicKey> keys = new ArrayList<>();
        for (Path p : pemFiles) {
            keys.add(SigningKeys.readPublicKey(p));
        }
        return of(keys);
    }

    /** The same keys as a bundle reader's trust list (bundles must be signed by one of them). */
    public TrustedKeys bundleKeys() {
        return bundleKeys;
    }

    public List<String> keyIds() {
        return List.copyOf(byId.keySet());
    }

    /** True when {@code signature} is a valid Ed25519 signature of {@code message} by the trusted key {@code keyId}. */
    boolean verifies(String keyId, byte[] message, byte[] signature) throws PayloadException {
        PublicKey key = byId.get(keyId);
        if (key == null) {
            throw new PayloadException("envelope.key_id", "signed with key " + keyId + ", which is not trusted (trusted: "
                    + byId.keySet() + ")");
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (SignatureException | InvalidKeyException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot verify Ed25519", e);
        }
    }

    @Override
    public String toString() {
        return "release keys " + byId.keySet();
    }
}
