package dev.myelin.policy.bundle;

import dev.myelin.policy.compress.Compression;
import dev.myelin.policy.compress.Pruning;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.SpikingNetwork;
import dev.myelin.policy.model.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and validates {@code .myl} bundles. Checks, in this order, before anything from the file is
 * trusted: size limits, magic, format version, flags, section lengths against the file length, padding,
 * the SHA-256 digest, the signature (when trusted keys are configured); then the manifest (every field),
 * the tensor encodings, finiteness, and the tensors against the architecture the manifest declares.
 * Either a fully valid {@link PolicyBundle} comes back or a {@link BundleFormatException} naming the
 * field; nothing else is thrown for any content, and nothing half-loaded is ever returned. Work and
 * allocation are bounded by the {@link BundleLimits}.
 *
 * <p>Immutable; one reader may be shared by any number of threads.
 */
public final class BundleReader {

    private final TrustedKeys trusted;
    private final BundleLimits limits;

    public BundleReader(TrustedKeys trusted, BundleLimits limits) {
        if (trusted == null || limits == null) {
            throw new IllegalArgumentException("trusted keys and limits are required (use TrustedKeys.none() to skip signatures)");
        }
        this.trusted = trusted;
        this.limits = limits;
    }

    /** A reader with {@link BundleLimits#DEFAULT}. */
    public static BundleReader of(TrustedKeys trusted) {
        return new BundleReader(trusted, BundleLimits.DEFAULT);
    }

    public static PolicyBundle read(byte[] bundle, TrustedKeys trusted) throws BundleFormatException {
        return of(trusted).read(bundle);
    }

    public static PolicyBundle read(Path file, TrustedKeys trusted) throws IOException, BundleFormatException {
        return of(trusted).read(file);
    }

    /**
     * Reads a bundle file; IOException when the file cannot be read, BundleFormatException for its content.
     * Only a regular file is opened: a directory, pipe or device is refused by name at once (a pipe would
     * block the reader).
     */
    public PolicyBundle read(Path file) throws IOException, BundleFormatException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new IOException(file + " is not a regular file (" + (Files.isDirectory(file)
                    ? "a directory" : "a pipe, device or socket") + "), not a bundle");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > limits.maxTotalBytes()) {
                throw new BundleFormatException("file", file + " is " + size + " bytes, over the limit of "
                        + limits.maxTotalBytes());
            }
            byte[] bytes = new byte[(int) size];
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // keep reading until full or end of file
            }
            if (b.hasRemaining() || ch.read(ByteBuffer.allocate(1)) > 0) {
                throw new BundleFormatException("file", file + " changed size while being read");
            }
            return read(bytes);
        }
    }

    /** Reads a bundle held in memory. The array is not modified or retained. */
    public PolicyBundle read(byte[] bytes) throws BundleFormatException {
        if (bytes == null) {
            throw new BundleFormatException("file", "no bytes given");
        }
        if (bytes.length > limits.maxTotalBytes()) {
            throw new BundleFormatException("file", bytes.length + " bytes, over the limit of " + limits.maxTotalBytes());
        }
        if (bytes.length < Layout.HEADER_SIZE + Layout.DIGEST_SIZE) {
            throw new BundleFormatException("file", "truncated: " + bytes.length + " bytes, a bundle has at least "
                    + (Layout.HEADER_SIZE + Layout.DIGEST_SIZE));
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (!Arrays.equals(bytes, 0, Layout.MAGIC.length, Layout.MAGIC, 0, Layout.MAGIC.length)) {
            throw new BundleFormatException("header.magic", "not a Myelin policy bundle (magic "
                    + HexFormat.of().formatHex(bytes, 0, Layout.MAGIC.length) + ")");
        }
        int version = Short.toUnsignedInt(b.getShort(Layout.OFFSET_VERSION));
        if (version != Layout.FORMAT_VERSION) {
            throw new BundleFormatException("header.format_version", "format version " + version
                    + " is not supported (this reader reads version " + Layout.FORMAT_VERSION + ")");
        }
        int flags = Short.toUnsignedInt(b.getShort(Layout.OFFSET_FLAGS));
        if (flags != 0) {
            throw new BundleFormatException("header.flags", "must be 0 in format version 1, got " + flags);
        }
        long manifestLength = Integer.toUnsignedLong(b.getInt(Layout.OFFSET_MANIFEST_LENGTH));
        if (manifestLength == 0 || manifestLength > limits.maxManifestBytes()) {
            throw new BundleFormatException("header.manifest_length", "is " + manifestLength
                    + ", must be between 1 and the limit of " + limits.maxManifestBytes());
        }
        long sectionLength = b.getLong(Layout.OFFSET_TENSOR_SECTION_LENGTH);
        if (sectionLength < 0 || sectionLength > limits.maxTotalBytes() || sectionLength % Layout.ALIGNMENT != 0) {
            throw new BundleFormatException("header.tensor_section_length", "is " + Long.toUnsignedString(sectionLength)
                    + ", must be a multiple of " + Layout.ALIGNMENT + " up to the limit of " + limits.maxTotalBytes());
        }
        long sectionStart = Layout.tensorSectionStart(manifestLength);
        long digestAt = sectionStart + sectionLength;
        long unsignedLength = digestAt + Layout.DIGEST_SIZE;
        boolean signed;
        if (bytes.length == unsignedLength) {
            signed = false;
        } else if (bytes.length == unsignedLength + Layout.SIGNATURE_BLOCK_SIZE) {
            signed = true;
        } else if (bytes.length < unsignedLength) {
            throw new BundleFormatException("file", "truncated: the header announces " + unsignedLength
                    + " bytes up to the end of the digest, the file has " + bytes.length);
        } else {
            throw new BundleFormatException("file", (bytes.length - unsignedLength) + " bytes follow the digest; "
                    + "only nothing or a " + Layout.SIGNATURE_BLOCK_SIZE + "-byte signature block may");
        }
        for (long i = Layout.HEADER_SIZE + manifestLength; i < sectionStart; i++) {
            if (bytes[(int) i] != 0) {
                throw new BundleFormatException("manifest.padding", "byte " + i + " must be 0");
            }
        }

        byte[] digest = BundleWriter.sha256(bytes, (int) digestAt);
        if (!MessageDigest.isEqual(digest, Arrays.copyOfRange(bytes, (int) digestAt, (int) unsignedLength))) {
            throw new BundleFormatException("digest", "SHA-256 of the bundle does not match the stored digest "
                    + "(corrupted or modified)");
        }
        String signerKeyId = null;
        boolean verified = false;
        if (signed) {
            int tag = (int) unsignedLength;
            if (!Arrays.equals(bytes, tag, tag + Layout.SIGNATURE_TAG.length, Layout.SIGNATURE_TAG, 0,
                    Layout.SIGNATURE_TAG.length)) {
                throw new BundleFormatException("signature.tag", "must be 'ED25'");
            }
            int idAt = tag + Layout.SIGNATURE_TAG.length;
            signerKeyId = HexFormat.of().formatHex(bytes, idAt, idAt + Layout.KEY_ID_SIZE);
            checkWellFormed(bytes, idAt + Layout.KEY_ID_SIZE);
            if (!trusted.isEmpty()) {
                PublicKey key = trusted.find(signerKeyId);
                if (key == null) {
                    throw new BundleFormatException("signature.key_id", "signed with key " + signerKeyId
                            + ", which is not trusted (" + trusted + ")");
                }
                int sigAt = idAt + Layout.KEY_ID_SIZE;
                if (!verifies(key, bytes, (int) digestAt, sigAt)) {
                    throw new BundleFormatException("signature", "does not verify under trusted key " + signerKeyId);
                }
                verified = true;
            }
        } else if (!trusted.isEmpty()) {
            throw new BundleFormatException("signature", "bundle is unsigned but signatures are required ("
                    + trusted + ")");
        }

        Manifest m = Manifest.parse(bytes, Layout.HEADER_SIZE, (int) manifestLength, sectionLength, limits);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Manifest.TensorEntry e : m.tensors()) {
            float[] values = TensorCodec.decode(bytes, sectionStart + e.offset(), e.length(), e.name(), e.shape(),
                    e.elements(), e.dtype(), e.sparse());
            Tensor t = new Tensor(e.name(), e.shape(), values);
            checkPruned(t, m.pruneFraction());
            tensors.put(e.name(), t);
        }
        SpikingNetwork network;
        Policy policy;
        try {
            network = SpikingNetwork.of(m.family(), m.hyperparameters(), tensors);
        } catch (RuntimeException e) {
            // The model's own validation (family, hyperparameters, tensor names and shapes) speaks for the network.
            throw new BundleFormatException("manifest.network", String.valueOf(e.getMessage()), e);
        }
        Set<String> declared = new TreeSet<>(m.hyperparameters().keySet());
        declared.removeAll(network.hyperparameters().keySet());
        if (!declared.isEmpty()) {
            throw new BundleFormatException("manifest.network.hyperparameters." + declared.iterator().next(),
                    "not a hyperparameter of " + network.family() + " (known: " + network.hyperparameters().keySet() + ")");
        }
        checkCount("manifest.observations", m.observations().size(), network.observationSize(), network);
        checkCount("manifest.actions", m.actions().size(), network.actionSize(), network);
        checkCount("manifest.normalizer", m.normalizer().size(), network.observationSize(), network);
        try {
            policy = new Policy(network, m.observations(), m.actions(), m.normalizer(), m.provenance());
        } catch (RuntimeException e) {
            throw new BundleFormatException("manifest", String.valueOf(e.getMessage()), e);
        }
        return new PolicyBundle(policy, m.name(), m.version(), m.precision(), m.pruneFraction(),
                HexFormat.of().formatHex(digest), signerKeyId, verified, bytes.length);
    }

    private static void checkCount(String field, int given, int expected, SpikingNetwork network)
            throws BundleFormatException {
        if (given != expected) {
            throw new BundleFormatException(field, "has " + given + " entries, the " + network.family()
                    + " network needs " + expected);
        }
    }

    /** A bundle that claims a prune fraction must have at least that many zeros in each weight matrix. */
    private static void checkPruned(Tensor t, double fraction) throws BundleFormatException {
        if (fraction == 0.0 || !Compression.isCompressible(t)) {
            return;
        }
        int zeros = 0;
        for (float v : t.data()) {
            if (v == 0f) {
                zeros++;
            }
        }
        int required = Pruning.prunedCount(t.size(), fraction);
        if (zeros < required) {
            throw new BundleFormatException("tensor[" + t.name() + "]", "has " + zeros + " zeros but prune_fraction "
                    + fraction + " requires at least " + required);
        }
    }

    /** The order of the Ed25519 base point (RFC 8032, section 5.1): a valid signature's S is below it. */
    private static final java.math.BigInteger ED25519_ORDER = java.math.BigInteger.TWO.pow(252)
            .add(new java.math.BigInteger("27742317777372353535851937790883648493"));

    /**
     * Checks what can be checked of a signature without the key: S (the second 32 bytes, little-endian) is
     * below the group order and R is not all zeros (RFC 8032, 5.1.7 refuses such signatures). A damaged
     * signature block is refused even when no trusted key is configured to verify it.
     */
    private static void checkWellFormed(byte[] bytes, int at) throws BundleFormatException {
        byte[] s = new byte[32];
        boolean rZero = true;
        for (int i = 0; i < 32; i++) {
            s[31 - i] = bytes[at + 32 + i];
            rZero &= bytes[at + i] == 0;
        }
        if (rZero) {
            throw new BundleFormatException("signature.r", "is all zeros: not an Ed25519 signature");
        }
        if (new java.math.BigInteger(1, s).compareTo(ED25519_ORDER) >= 0) {
            throw new BundleFormatException("signature.s", "is not below the Ed25519 group order: the signature block is damaged");
        }
    }

    /** Ed25519 over {@code [signedFrom, signatureAt)}: the digest (checked above), tag and key id. */
    private static boolean verifies(PublicKey key, byte[] bytes, int signedFrom, int signatureAt)
            throws BundleFormatException {
        try {
            Signature s = Signature.getInstance(SigningKeys.ALGORITHM);
            s.initVerify(key);
            s.update(bytes, signedFrom, signatureAt - signedFrom);
            return s.verify(bytes, signatureAt, Layout.SIGNATURE_SIZE);
        } catch (SignatureException e) {
            return false; // malformed signature encoding: it does not verify
        } catch (GeneralSecurityException e) {
            throw new BundleFormatException("signature", "cannot verify Ed25519 signatures on this JDK: " + e.getMessage(), e);
        }
    }
}
