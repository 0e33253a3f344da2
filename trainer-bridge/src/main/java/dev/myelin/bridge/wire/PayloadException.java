package dev.myelin.bridge.wire;

/**
 * An MQTT payload was refused: wrong magic or version, a field that is missing, malformed or out of range,
 * a signature that does not verify, a payload over its size limit. {@link #field()} names the offending
 * part ({@code manifest.chunk_sha256[3]}, {@code chunk.index}, {@code envelope.signature}, ...). Checked,
 * so that every receiver decides what a refusal means; nothing from a refused payload is ever applied.
 */
public final class PayloadException extends Exception {

    private final String field;

    public PayloadException(String field, String detail) {
        super(field + ": " + detail);
        this.field = field;
    }

    public PayloadException(String field, String detail, Throwable cause) {
        super(field + ": " + detail, cause);
        this.field = field;
    }

    /** The part of the payload that was wrong. */
    public String field() {
        return field;
    }
}
