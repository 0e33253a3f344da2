package dev.myelin.policy.bundle;

import dev.myelin.policy.io.DurableFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 (RFC 8032) keys for signing bundles, with the JDK's own provider. Key files are PEM
 * (RFC 7468): private keys as PKCS#8 {@code PRIVATE KEY}, public keys as X.509 SubjectPublicKeyInfo
 * {@code PUBLIC KEY} -- the same files {@code openssl genpkey -algorithm ed25519} and
 * {@code openssl pkey -pubout} produce. Stateless; callable from any thread.
 */
public final class SigningKeys {

    static final String ALGORITHM = "Ed25519";
    private static final String PRIVATE_LABEL = "PRIVATE KEY";
    private static final String PUBLIC_LABEL = "PUBLIC KEY";

    private SigningKeys() {
    }

    /** A fresh key pair from the platform's strong random source. */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no Ed25519 provider", e);
        }
    }

    /**
     * Key id recorded in a signature block: the first 8 bytes of SHA-256 over the key's X.509
     * SubjectPublicKeyInfo DER encoding, as 16 lowercase hex digits.
     */
    public static String keyId(PublicKey key) {
        checkEd25519(key, "public key");
        return HexFormat.of().formatHex(keyIdBytes(key));
    }

    static byte[] keyIdBytes(PublicKey key) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()), Layout.KEY_ID_SIZE);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /**
     * The public key of an Ed25519 private key. RFC 8032 derives it from the 32-byte private seed; the
     * JDK's generator does exactly that with the seed it draws, so it is fed the known seed and the
     * result is checked to carry the same private bytes.
     */
    public static PublicKey publicKeyOf(PrivateKey key) throws InvalidKeyException {
        checkEd25519(key, "private key");
        if (!(key instanceof EdECPrivateKey ed) || ed.getBytes().isEmpty()) {
            throw new InvalidKeyException("private key does not expose its Ed25519 seed");
        }
        byte[] seed = ed.getBytes().get();
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(ALGORITHM);
            g.initialize(NamedParameterSpec.ED25519, new FixedSeed(seed));
            KeyPair pair = g.generateKeyPair();
            byte[] drawn = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElse(new byte[0]);
            if (!MessageDigest.isEqual(drawn, seed)) {
                throw new InvalidKeyException("cannot derive the Ed25519 public key on this JDK");
            }
            return pair.getPublic();
        } catch (NoSuchAlgorithmException | InvalidAlgorithmParameterException e) {
            throw new IllegalStateException("this JDK has no Ed25519 provider", e);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** PEM text of a private key (PKCS#8). */
    public static String toPem(PrivateKey key) {
        checkEd25519(key, "private key");
        return pem(PRIVATE_LABEL, key.getEncoded());
    }

    /** PEM text of a public key (SubjectPublicKeyInfo). */
    public static String toPem(PublicKey key) {
        checkEd25519(key, "public key");
        return pem(PUBLIC_LABEL, key.getEncoded());
    }

    /** Parses a {@code PRIVATE KEY} PEM block holding an Ed25519 key; the message says what was wrong. */
    public static PrivateKey privateKeyFromPem(String pem) throws InvalidKeyException {
        byte[] der = unpem(pem, PRIVATE_LABEL);
        try {
            PrivateKey k = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
            checkEd25519(k, "private key");
            return k;
        } catch (InvalidKeySpecException | IllegalArgumentException e) {
            throw new InvalidKeyException("PEM " + PRIVATE_LABEL + " is not an Ed25519 PKCS#8 key: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no Ed25519 provider", e);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /** Parses a {@code PUBLIC KEY} PEM block holding an Ed25519 key; the message says what was wrong. */
    public static PublicKey publicKeyFromPem(String pem) throws InvalidKeyException {
        byte[] der = unpem(pem, PUBLIC_LABEL);
        try {
            PublicKey k = KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
            checkEd25519(k, "public key");
            return k;
        } catch (InvalidKeySpecException | IllegalArgumentException e) {
            throw new InvalidKeyException("PEM " + PUBLIC_LABEL + " is not an Ed25519 SubjectPublicKeyInfo: "
                    + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no Ed25519 provider", e);
        }
    }

    /** Reads a private key file; IOException when unreadable, InvalidKeyException naming the file when malformed. */
    public static PrivateKey readPrivateKey(Path file) throws IOException, InvalidKeyException {
        try {
            return privateKeyFromPem(readPemFile(file));
        } catch (InvalidKeyException e) {
            throw new InvalidKeyException(file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a public key file; IOException when unreadable, InvalidKeyException naming the file when malformed. */
    public static PublicKey readPublicKey(Path file) throws IOException, InvalidKeyException {
        try {
            return publicKeyFromPem(readPemFile(file));
        } catch (InvalidKeyException e) {
            throw new InvalidKeyException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a private key file atomically, readable by its owner only (mode 0600 on POSIX). */
    public static void writePrivateKey(PrivateKey key, Path file) throws IOException {
        DurableFiles.replace(file, toPem(key).getBytes(StandardCharsets.US_ASCII), true, null);
    }

    /** Writes a public key file atomically. */
    public static void writePublicKey(PublicKey key, Path file) throws IOException {
        DurableFiles.replace(file, toPem(key).getBytes(StandardCharsets.US_ASCII));
    }

    static void checkEd25519(java.security.Key key, String what) {
        if (key == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (!(key instanceof EdECKey ed) || !ALGORITHM.equalsIgnoreCase(ed.getParams().getName())) {
            throw new IllegalArgumentException(what + " must be an Ed25519 key, got " + key.getAlgorithm());
        }
    }

    private static String readPemFile(Path file) throws IOException, InvalidKeyException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new InvalidKeyException("not a regular file (a directory, pipe or device), not a PEM key file");
        }
        if (Files.size(file) > 64 * 1024) {
            throw new InvalidKeyException(file + ": larger than 64 KiB, not a PEM key file");
        }
        return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** The DER bytes of the single {@code label} block in {@code pem} (RFC 7468 strict-ish: text around it is ignored). */
    private static byte[] unpem(String pem, String label) throws InvalidKeyException {
        if (pem == null) {
            throw new InvalidKeyException("PEM text is missing");
        }
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int b = pem.indexOf(begin);
        if (b < 0) {
            throw new InvalidKeyException("no '" + begin + "' line (is this the right kind of key file?)");
        }
        int e = pem.indexOf(end, b);
        if (e < 0) {
            throw new InvalidKeyException("no '" + end + "' line");
        }
        if (pem.indexOf(begin, e) >= 0) {
            throw new InvalidKeyException("more than one " + label + " block");
        }
        String body = pem.substring(b + begin.length(), e).replaceAll("\\s+", "");
        try {
            byte[] der = Base64.getDecoder().decode(body);
            if (der.length == 0) {
                throw new InvalidKeyException("empty " + label + " block");
            }
            return der;
        } catch (IllegalArgumentException ex) {
            throw new InvalidKeyException(label + " block is not valid base64: " + ex.getMessage());
        }
    }

    /** Hands the generator a known seed instead of fresh randomness (see {@link #publicKeyOf}). */
    private static final class FixedSeed extends SecureRandom {
        private final byte[] seed;

        FixedSeed(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("expected a request for " + seed.length + " seed bytes, got " + bytes.length);
            }
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
        }
    }
}
