package dev.myelin.policy.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A bundle taken apart along the layout of BUNDLE_FORMAT.md (written here from the document, independently
 * of the writer), to be edited and put back together with fresh lengths and digest.
 */
final class BundleBytes {
    static final ObjectMapper JSON = new ObjectMapper();

    byte[] header;
    byte[] manifest;
    byte[] tensors;
    byte[] signatureBlock;

    static BundleBytes parse(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        BundleBytes p = new BundleBytes();
        p.header = Arrays.copyOf(file, 24);
        int m = b.getInt(12);
        long d = b.getLong(16);
        int sectionStart = (24 + m + 7) / 8 * 8;
        p.manifest = Arrays.copyOfRange(file, 24, 24 + m);
        p.tensors = Arrays.copyOfRange(file, sectionStart, (int) (sectionStart + d));
        int end = (int) (sectionStart + d + 32);
        p.signatureBlock = Arrays.copyOfRange(file, end, file.length);
        return p;
    }

    ObjectNode manifestJson() {
        try {
            return (ObjectNode) JSON.readTree(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    BundleBytes withManifest(ObjectNode json) {
        try {
            manifest = JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    BundleBytes withManifestText(String text) {
        manifest = text.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    String manifestText() {
        return new String(manifest, StandardCharsets.UTF_8);
    }

    /** Header with the current section lengths, padding, digest; the signature block is dropped. */
    byte[] reseal() {
        ByteBuffer h = ByteBuffer.wrap(header.clone()).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(12, manifest.length);
        h.putLong(16, tensors.length);
        return sealRaw(h.array());
    }

    /** Header exactly as it is now (lengths possibly lying), then manifest, padding, tensors and a correct digest. */
    byte[] sealRaw(byte[] headerBytes) {
        int sectionStart = (24 + manifest.length + 7) / 8 * 8;
        byte[] out = new byte[sectionStart + tensors.length + 32];
        System.arraycopy(headerBytes, 0, out, 0, 24);
        System.arraycopy(manifest, 0, out, 24, manifest.length);
        System.arraycopy(tensors, 0, out, sectionStart, tensors.length);
        System.arraycopy(sha256(out, sectionStart + tensors.length), 0, out, sectionStart + tensors.length, 32);
        return out;
    }

    /** Recomputes the digest of a file whose digest sits {@code trailer} bytes before its end. */
    static byte[] redigest(byte[] file, int trailer) {
        byte[] out = file.clone();
        int at = file.length - trailer - 32;
        System.arraycopy(sha256(out, at), 0, out, at, 32);
        return out;
    }

    static byte[] sha256(byte[] bytes, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(bytes, 0, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
