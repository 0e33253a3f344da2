package dev.myelin.policy.bundle;

import java.io.IOException;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Ed25519 public keys a reader accepts bundle signatures from. Empty ({@link #none()}): signatures
 * are not checked and unsigned bundles are accepted. Non-empty: every bundle must carry a signature that
 * verifies under one of these keys; several keys allow rotation (sign new releases with the new key while
 * robots still trust the old one). Immutable; share freely between threads.
 */
public final class TrustedKeys {

    private static final TrustedKeys NONE = new TrustedKeys(Map.of());

    /** Key id -> key, in the order given. */
    private final Map<String, PublicKey> byId;

    private TrustedKeys(Map<String, PublicKey> byId) {
        this.byId = byId;
    }

    /** Accept unsigned bundles and do not check signatures. */
    public static TrustedKeys none() {
        return NONE;
    }

    /**
     * Trust these Ed25519 keys (duplicates are merged). Throws IllegalArgumentException for other key types
     * and for an empty list: "no keys" must be said with {@link #none()}, so that an empty key configuration
     * cannot silently switch signature checking off.
     */
    public static TrustedKeys of(PublicKey... keys) {
        return of(List.of(keys));
    }

    public static TrustedKeys of(Collection<? extends PublicKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no trusted keys given; use TrustedKeys.none() to accept unsigned bundles");
        }
        Map<String, PublicKey> m = new LinkedHashMap<>();
        for (PublicKey k : keys) {
            String id = SigningKeys.keyId(k);
            PublicKey prior = m.putIfAbsent(id, k);
            if (prior != null && !java.util.Arrays.equals(prior.getEncoded(), k.getEncoded())) {
                throw new IllegalArgumentException("two different trusted keys share key id " + id);
            }
        }
        return new TrustedKeys(java.util.Collections.unmodifiableMap(m));
    }

    /** Trust the keys in these PEM public key files (at least one); the exception names the file that failed. */
    public static TrustedKeys load(Path... pemFiles) throws IOException, InvalidKeyException {
        List<PublicKey> keys = new ArrayList<>();
        for (Path p : pemFiles) {
            keys.add(SigningKeys.readPublicKey(p));
        }
        return of(keys);
    }

    public boolean isEmpty() {
        return byId.isEmpty();
    }

    /** Ids of the trusted keys, in the order given. */
    public List<String> keyIds() {
        return List.copyOf(byId.keySet());
    }

    /** The trusted key with this id, or null. */
    PublicKey find(String keyId) {
        return byId.get(keyId);
    }

    @Override
    public String toString() {
        return byId.isEmpty() ? "no trusted keys" : "trusted keys " + byId.keySet();
    }
}
