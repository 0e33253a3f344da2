package dev.myelin.policy.bundle;

import dev.myelin.policy.model.Policy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignatureTest {

    private static final KeyPair A = SigningKeys.generate();
    private static final KeyPair B = SigningKeys.generate();
    private static final Policy POLICY = SamplePolicies.allFamilies(21).get(1);

    // Produced by OpenSSL 3.0: `openssl genpkey -algorithm ed25519`, `openssl pkey -pubout`, and
    // `openssl pkeyutl -sign -rawin` over the ASCII bytes "myelin".
    private static final String OPENSSL_PRIVATE = """
            -----BEGIN PRIVATE KEY-----
            MC4CAQAwBQYDK2VwBCIEIBNFXbBik0bOjQKnHCs3UlBzw1bBkUhMtQVQEZ3Y8TPP
            -----END PRIVATE KEY-----
            """;
    private static final String OPENSSL_PUBLIC = """
            -----BEGIN PUBLIC KEY-----
            MCowBQYDK2VwAyEAzTcWoqxjDitcbzgrkzRA3OG42cjdJyUcdQBxi6lTT68=
            -----END PUBLIC KEY-----
            """;
    private static final String OPENSSL_SIGNATURE = "b75430d6bb8623fe754a4a4607d665e05b317aa94654035cfd5ffe61c8ac86b2"
            + "966f4befcd0030ef8eb2df38041412c6734091c8df110d3b1089729f4390e400";

    static byte[] signedBy(KeyPair k) {
        return new BundleWriter().setPolicy(POLICY).optName("signed").optVersion("1.0.0").optSigningKey(k.getPrivate()).toBytes();
    }

    static BundleFormatException refused(byte[] bytes, TrustedKeys keys) {
        return assertThrows(BundleFormatException.class, () -> BundleReader.read(bytes, keys));
    }

    @Test
    void signedBundleVerifiesUnderItsKey() throws Exception {
        byte[] bytes = signedBy(A);
        PolicyBundle b = BundleReader.read(bytes, TrustedKeys.of(A.getPublic()));
        assertEquals(SigningKeys.keyId(A.getPublic()), b.signerKeyId());
        assertTrue(b.signatureVerified());
        assertEquals(POLICY, b.policy());
        // Signature block: "ED25", key id, 64-byte signature over digest, tag and key id; the digest is
        // SHA-256 of everything before it.
        byte[] block = Arrays.copyOfRange(bytes, bytes.length - 76, bytes.length);
        assertArrayEquals("ED25".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(block, 4));
        assertEquals(SigningKeys.keyId(A.getPublic()), HexFormat.of().formatHex(block, 4, 12));
        int digestAt = bytes.length - 76 - 32;
        assertArrayEquals(BundleBytes.sha256(bytes, digestAt), Arrays.copyOfRange(bytes, digestAt, digestAt + 32));
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(A.getPublic());
        s.update(bytes, digestAt, 32 + 4 + 8);
        assertTrue(s.verify(Arrays.copyOfRange(bytes, bytes.length - 64, bytes.length)));
    }

    @Test
    void withoutTrustedKeysSignaturesAreReportedButNotChecked() throws Exception {
        byte[] bytes = signedBy(A);
        bytes[bytes.length - 1] ^= 1; // a broken signature is not even looked at
        PolicyBundle b = BundleReader.read(bytes, TrustedKeys.none());
        assertEquals(SigningKeys.keyId(A.getPublic()), b.signerKeyId());
        assertFalse(b.signatureVerified());
    }

    @Test
    void signatureFromAnUntrustedKeyIsRefused() {
        BundleFormatException e = refused(signedBy(A), TrustedKeys.of(B.getPublic()));
        assertEquals("signature.key_id", e.field());
        assertTrue(e.getMessage().contains(SigningKeys.keyId(A.getPublic())), e.getMessage());
    }

    @Test
    void unsignedBundleIsRefusedWhenKeysAreConfigured() {
        byte[] unsigned = new BundleWriter().setPolicy(POLICY).toBytes();
        BundleFormatException e = refused(unsigned, TrustedKeys.of(A.getPublic()));
        assertEquals("signature", e.field());
        assertTrue(e.getMessage().contains("unsigned"), e.getMessage());
    }

    @Test
    void severalTrustedKeysAllowRotation(@TempDir Path dir) throws Exception {
        Path oldKey = dir.resolve("release-2024.pub");
        Path newKey = dir.resolve("release-2025.pub");
        SigningKeys.writePublicKey(A.getPublic(), oldKey);
        SigningKeys.writePublicKey(B.getPublic(), newKey);
        TrustedKeys both = TrustedKeys.load(oldKey, newKey);
        assertEquals(java.util.List.of(SigningKeys.keyId(A.getPublic()), SigningKeys.keyId(B.getPublic())), both.keyIds());
        assertEquals(SigningKeys.keyId(A.getPublic()), BundleReader.read(signedBy(A), both).signerKeyId());
        assertEquals(SigningKeys.keyId(B.getPublic()), BundleReader.read(signedBy(B), both).signerKeyId());
        // After the old key is retired, its bundles are refused.
        assertEquals("signature.key_id", refused(signedBy(A), TrustedKeys.load(newKey)).field());
    }

    @Test
    void tamperedSignaturesAndSwappedKeyIdsAreRefused() {
        TrustedKeys both = TrustedKeys.of(A.getPublic(), B.getPublic());
        byte[] flipped = signedBy(A);
        flipped[flipped.length - 20] ^= 0x10;
        assertEquals("signature", refused(flipped, both).field());

        byte[] swapped = signedBy(A);
        byte[] idB = HexFormat.of().parseHex(SigningKeys.keyId(B.getPublic()));
        System.arraycopy(idB, 0, swapped, swapped.length - 72, 8);
        assertEquals("signature", refused(swapped, both).field());

        byte[] badTag = signedBy(A);
        badTag[badTag.length - 76] = 'X';
        assertEquals("signature.tag", refused(badTag, both).field());

        // Changing the content and fixing up the digest does not help without the private key.
        byte[] content = signedBy(A);
        BundleBytes parts = BundleBytes.parse(content);
        String manifest = parts.manifestText().replace("\"signed\"", "\"sign3d\"");
        byte[] forged = parts.withManifestText(manifest).reseal();
        byte[] withOldSignature = Arrays.copyOf(forged, forged.length + 76);
        System.arraycopy(content, content.length - 76, withOldSignature, forged.length, 76);
        assertEquals("signature", refused(withOldSignature, both).field());
    }

    @Test
    void digestIsCheckedBeforeTheSignature() {
        byte[] bytes = signedBy(A);
        bytes[40] ^= 1;
        assertEquals("digest", refused(bytes, TrustedKeys.of(A.getPublic())).field());
    }

    @Test
    void pemFilesRoundTripAndPrivateKeysAreOwnerOnly(@TempDir Path dir) throws Exception {
        Path priv = dir.resolve("signing.pem");
        Path pub = dir.resolve("signing.pub");
        SigningKeys.writePrivateKey(A.getPrivate(), priv);
        SigningKeys.writePublicKey(A.getPublic(), pub);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)));
        PrivateKey readPriv = SigningKeys.readPrivateKey(priv);
        PublicKey readPub = SigningKeys.readPublicKey(pub);
        assertArrayEquals(A.getPrivate().getEncoded(), readPriv.getEncoded());
        assertArrayEquals(A.getPublic().getEncoded(), readPub.getEncoded());
        assertArrayEquals(A.getPublic().getEncoded(), SigningKeys.publicKeyOf(readPriv).getEncoded());
        assertTrue(Files.readString(priv).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        byte[] bytes = new BundleWriter().setPolicy(POLICY).optSigningKey(readPriv).toBytes();
        assertTrue(BundleReader.read(bytes, TrustedKeys.load(pub)).signatureVerified());
    }

    @Test
    void readsAndWritesTheSameKeyFilesAsOpenssl() throws Exception {
        PrivateKey priv = SigningKeys.privateKeyFromPem(OPENSSL_PRIVATE);
        PublicKey pub = SigningKeys.publicKeyFromPem(OPENSSL_PUBLIC);
        assertEquals(OPENSSL_PRIVATE, SigningKeys.toPem(priv));
        assertEquals(OPENSSL_PUBLIC, SigningKeys.toPem(pub));
        assertArrayEquals(pub.getEncoded(), SigningKeys.publicKeyOf(priv).getEncoded());
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(priv);
        s.update("myelin".getBytes(StandardCharsets.US_ASCII));
        assertEquals(OPENSSL_SIGNATURE, HexFormat.of().formatHex(s.sign()));
    }

    @Test
    void derivesPublicKeysAsRfc8032Specifies() throws Exception {
        // RFC 8032, section 7.1, TEST 1.
        byte[] seed = HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        byte[] pkcs8 = new byte[48];
        System.arraycopy(HexFormat.of().parseHex("302e020100300506032b657004220420"), 0, pkcs8, 0, 16);
        System.arraycopy(seed, 0, pkcs8, 16, 32);
        PrivateKey priv = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        byte[] spki = SigningKeys.publicKeyOf(priv).getEncoded();
        assertEquals("302a300506032b6570032100" + "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
                HexFormat.of().formatHex(spki));
        // Key id: first 8 bytes of SHA-256 over that DER.
        assertEquals(HexFormat.of().formatHex(Arrays.copyOf(BundleBytes.sha256(spki, spki.length), 8)),
                SigningKeys.keyId(SigningKeys.publicKeyOf(priv)));
    }

    @Test
    void malformedKeyFilesAreRefusedWithAReason(@TempDir Path dir) throws Exception {
        InvalidKeyException e = assertThrows(InvalidKeyException.class, () -> SigningKeys.privateKeyFromPem(OPENSSL_PUBLIC));
        assertTrue(e.getMessage().contains("BEGIN PRIVATE KEY"), e.getMessage());
        e = assertThrows(InvalidKeyException.class, () -> SigningKeys.publicKeyFromPem(
                "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n"));
        assertTrue(e.getMessage().contains("base64"), e.getMessage());
        e = assertThrows(InvalidKeyException.class, () -> SigningKeys.publicKeyFromPem(OPENSSL_PUBLIC + OPENSSL_PUBLIC));
        assertTrue(e.getMessage().contains("more than one"), e.getMessage());

        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        KeyPair r = rsa.generateKeyPair();
        String rsaPem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(r.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        e = assertThrows(InvalidKeyException.class, () -> SigningKeys.publicKeyFromPem(rsaPem));
        assertTrue(e.getMessage().contains("Ed25519"), e.getMessage());
        Path file = dir.resolve("rsa.pub");
        Files.writeString(file, rsaPem);
        e = assertThrows(InvalidKeyException.class, () -> TrustedKeys.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());

        IllegalArgumentException iae = assertThrows(IllegalArgumentException.class,
                () -> new BundleWriter().optSigningKey(r.getPrivate()));
        assertTrue(iae.getMessage().contains("Ed25519"), iae.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrustedKeys.of(r.getPublic()));
    }

    @Test
    void keyIdsDifferBetweenKeysAndTrustedKeysMergeDuplicates() {
        assertNotEquals(SigningKeys.keyId(A.getPublic()), SigningKeys.keyId(B.getPublic()));
        assertEquals(16, SigningKeys.keyId(A.getPublic()).length());
        assertEquals(1, TrustedKeys.of(A.getPublic(), A.getPublic()).keyIds().size());
        assertTrue(TrustedKeys.none().isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrustedKeys.of());
        assertTrue(e.getMessage().contains("TrustedKeys.none()"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrustedKeys.load());
    }
}
