package dev.myelin.policy.bundle;

import dev.myelin.policy.compress.Precision;
import dev.myelin.policy.compress.Pruning;
import dev.myelin.policy.io.DurableFiles;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a policy as a {@code .myl} bundle (layout in policy/BUNDLE_FORMAT.md). Required:
 * {@link #setPolicy}; optional: precision (fp32), prune fraction (0), name ({@code policy}), version
 * ({@code 0.0.0}), signing key (none), limits ({@link BundleLimits#DEFAULT}). Setters check their argument
 * at once and throw IllegalArgumentException naming it. The output is deterministic: the same settings
 * give the same bytes (Ed25519 signatures are deterministic too).
 *
 * <p>A builder: use from one thread, or confine it. {@link #toBytes()} and {@link #write(Path)} may be
 * called repeatedly.
 */
public final class BundleWriter {

    private Policy policy;
    private Precision precision = Precision.FP32;
    private double pruneFraction;
    private String name = "policy";
    private ReleaseVersion version = new ReleaseVersion(0, 0, 0);
    private PrivateKey signingKey;
    private byte[] signingKeyId;
    private BundleLimits limits = BundleLimits.DEFAULT;

    public BundleWriter setPolicy(Policy policy) {
        if (policy == null) {
            throw new IllegalArgumentException("policy is missing");
        }
        this.policy = policy;
        return this;
    }

    public BundleWriter optPrecision(Precision precision) {
        if (precision == null) {
            throw new IllegalArgumentException("precision is missing");
        }
        this.precision = precision;
        return this;
    }

    /** Magnitude-prunes each weight matrix by {@code fraction} in [0, 1) before storing it (see {@link Pruning}). */
    public BundleWriter optPrune(double fraction) {
        this.pruneFraction = Pruning.checkFraction(fraction);
        return this;
    }

    /** Bundle name: 1-128 characters of {@code A-Z a-z 0-9 . _ -}, starting with a letter or digit. */
    public BundleWriter optName(String name) {
        if (name == null || !Manifest.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bundle name '" + name
                    + "' must be 1-128 characters of A-Z a-z 0-9 . _ - starting with a letter or digit");
        }
        this.name = name;
        return this;
    }

    /** Release version {@code MAJOR.MINOR.PATCH}. */
    public BundleWriter optVersion(String version) {
        this.version = ReleaseVersion.parse(version);
        return this;
    }

    public BundleWriter optVersion(ReleaseVersion version) {
        if (version == null) {
            throw new IllegalArgumentException("release version is missing");
        }
        this.version = version;
        return this;
    }

    /** Signs the bundle with this Ed25519 private key; its key id is recorded in the signature block. */
    public BundleWriter optSigningKey(PrivateKey key) {
        try {
            this.signingKeyId = SigningKeys.keyIdBytes(SigningKeys.publicKeyOf(key));
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("signing key: " + e.getMessage(), e);
        }
        this.signingKey = key;
        return this;
    }

    /** Refuse to write bundles that a reader with these limits would refuse (default {@link BundleLimits#DEFAULT}). */
    public BundleWriter optLimits(BundleLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException("limits are missing");
        }
        this.limits = limits;
        return this;
    }

    /**
     * The bundle's bytes. Throws IllegalArgumentException naming the problem when the policy cannot be
     * written (no policy, provenance values that are not JSON, weights outside the fp16 range, a bundle over
     * the limits).
     */
    public byte[] toBytes() {
        if (policy == null) {
            throw new IllegalArgumentException("policy is missing: call setPolicy first");
        }
        Manifest.checkJsonValue("provenance", policy.provenance(), 0);
        Manifest.checkJsonValue("network.hyperparameters", policy.network().hyperparameters(), 0);

        List<TensorCodec.Encoded> encoded = new ArrayList<>();
        List<Manifest.TensorEntry> entries = new ArrayList<>();
        long position = 0;
        long decoded = 0;
        for (Tensor t : policy.network().tensors()) {
            long bytes = 4L * t.size();
            if (bytes > limits.maxTensorBytes()) {
                throw new IllegalArgumentException("tensor " + t.name() + " decodes to " + bytes
                        + " bytes, over the limit of " + limits.maxTensorBytes());
            }
            decoded += bytes;
            TensorCodec.Encoded e = TensorCodec.encode(t, precision, pruneFraction);
            long offset = Layout.align(position);
            entries.add(new Manifest.TensorEntry(e.name(), e.shape(), e.dtype(), e.sparse(), offset,
                    e.payload().length, t.size()));
            encoded.add(e);
            position = offset + e.payload().length;
        }
        if (decoded > limits.maxTotalBytes()) {
            throw new IllegalArgumentException("tensors decode to " + decoded + " bytes, over the limit of "
                    + limits.maxTotalBytes());
        }
        long sectionLength = Layout.align(position);
        Manifest manifest = new Manifest(name, version, precision, pruneFraction, policy.network().family(),
                policy.network().hyperparameters(), policy.observations(), policy.actions(), policy.normalizer(),
                policy.provenance(), entries);
        byte[] json = manifest.toJson();
        if (json.length > limits.maxManifestBytes()) {
            throw new IllegalArgumentException("manifest is " + json.length + " bytes, over the limit of "
                    + limits.maxManifestBytes());
        }
        long sectionStart = Layout.tensorSectionStart(json.length);
        long digestAt = sectionStart + sectionLength;
        long total = digestAt + Layout.DIGEST_SIZE + (signingKey != null ? Layout.SIGNATURE_BLOCK_SIZE : 0);
        if (total > limits.maxTotalBytes()) {
            throw new IllegalArgumentException("bundle would be " + total + " bytes, over the limit of "
                    + limits.maxTotalBytes());
        }

        byte[] out = new byte[(int) total];
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Layout.MAGIC);
        b.putShort((short) Layout.FORMAT_VERSION);
        b.putShort((short) 0); // flags: none defined in version 1
        b.putInt(json.length);
        b.putLong(sectionLength);
        b.put(json);
        for (int i = 0; i < encoded.size(); i++) {
            b.position((int) (sectionStart + entries.get(i).offset()));
            b.put(encoded.get(i).payload());
        }
        b.position((int) digestAt);
        b.put(sha256(out, (int) digestAt));
        if (signingKey != null) {
            b.put(Layout.SIGNATURE_TAG);
            b.put(signingKeyId);
            // Signed: digest, tag and key id. The digest already binds every byte before it, so the
            // signature covers the whole bundle at a cost independent of its size.
            b.put(sign(out, (int) digestAt, b.position() - (int) digestAt));
        }
        return out;
    }

    /** Writes the bundle atomically: temporary file, fsync, rename over {@code file}, fsync of the directory. */
    public void write(Path file) throws IOException {
        DurableFiles.replace(file, toBytes());
    }

    static byte[] sha256(byte[] bytes, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(bytes, 0, length);
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    private byte[] sign(byte[] bytes, int offset, int length) {
        try {
            Signature s = Signature.getInstance(SigningKeys.ALGORITHM);
            s.initSign(signingKey);
            s.update(bytes, offset, length);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }
}
