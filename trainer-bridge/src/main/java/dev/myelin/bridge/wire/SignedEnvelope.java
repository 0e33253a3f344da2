package dev.myelin.bridge.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A payload signed with a release key: {@code {"v":1,"kind":"signed","key_id":"<16 hex>",
 * "body":"<base64 of the body's bytes>","signature":"<base64 Ed25519>"}}. The signature covers
 * {@code "myelin-signed-v1\0" || purpose || "\0" || body}, so a signed manifest cannot be replayed as a
 * command, and no message signed here has the 44-byte shape of a bundle signature. The body is parsed only
 * after the signature verifies. Stateless; callable from any thread.
 */
public final class SignedEnvelope {

    private static final byte[] DOMAIN = "myelin-signed-v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{16}");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]*={0,2}");
    public static final int VERSION = 1;

    /** What was verified: the body's bytes and the key that signed them. */
    public record Opened(byte[] body, String keyId) {
    }

    private SignedEnvelope() {
    }

    /** Signs {@code body} for {@code purpose} (e.g. {@code release-manifest}, {@code command}). */
    public static byte[] seal(String purpose, byte[] body, ReleaseSigner signer) {
        ObjectNode o = JsonFields.object();
        o.put("v", VERSION);
        o.put("kind", "signed");
        o.put("purpose", purpose);
        o.put("key_id", signer.keyId());
        o.put("body", Base64.getEncoder().encodeToString(body));
        o.put("signature", Base64.getEncoder().encodeToString(signer.sign(message(purpose, body))));
        return JsonFields.bytes(o);
    }

    /**
     * Verifies an envelope of at most {@code maxBytes} for {@code purpose} under {@code keys} and returns
     * the body. Refuses unknown versions, unknown keys, other purposes and bad signatures.
     */
    public static Opened open(byte[] payload, String purpose, ReleaseKeys keys, int maxBytes) throws PayloadException {
        JsonFields f = JsonFields.parse(payload, "envelope", maxBytes).version(VERSION).kind("signed");
        String p = f.text("purpose");
        if (!p.equals(purpose)) {
            throw new PayloadException("envelope.purpose", "expected '" + purpose + "', got '" + p + "'");
        }
        String keyId = f.text("key_id", KEY_ID, "a key id (16 lowercase hex digits)");
        byte[] body = base64(f.text("body", BASE64, "base64"), "envelope.body");
        byte[] sig = base64(f.text("signature", BASE64, "base64"), "envelope.signature");
        f.end();
        if (sig.length != 64) {
            throw new PayloadException("envelope.signature", "must be 64 bytes, got " + sig.length);
        }
        if (!keys.verifies(keyId, message(purpose, body), sig)) {
            throw new PayloadException("envelope.signature", "does not verify under trusted key " + keyId);
        }
        return new Opened(body, keyId);
    }

    private static byte[] base64(String s, String field) throws PayloadException {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new PayloadException(field, "not valid base64: " + e.getMessage());
        }
    }

    private static byte[] message(String purpose, byte[] body) {
        byte[] p = purpose.getBytes(StandardCharsets.US_ASCII);
        byte[] m = new byte[DOMAIN.length + p.length + 1 + body.length];
        System.arraycopy(DOMAIN, 0, m, 0, DOMAIN.length);
        System.arraycopy(p, 0, m, DOMAIN.length, p.length);
        m[DOMAIN.length + p.length] = 0;
        System.arraycopy(body, 0, m, DOMAIN.length + p.length + 1, body.length);
        return m;
    }
}
