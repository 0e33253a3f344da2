package dev.myelin.policy.bundle;

/**
 * A bundle was refused: wrong magic or format version, inconsistent sizes, a digest or signature that
 * does not match, a manifest field that is missing or invalid, tensor data that disagrees with the
 * architecture. Checked, so that whoever loads a bundle from the outside decides what a refusal means.
 * {@link #field()} names the offending part, e.g. {@code header.magic}, {@code digest},
 * {@code signature}, {@code manifest.tensors[3].shape}, {@code tensor[layer0.weight]}.
 */
public final class BundleFormatException extends Exception {

    private final String field;

    public BundleFormatException(String field, String detail) {
        super(field + ": " + detail);
        this.field = field;
    }

    public BundleFormatException(String field, String detail, Throwable cause) {
        super(field + ": " + detail, cause);
        this.field = field;
    }

    /** The part of the bundle that was wrong. */
    public String field() {
        return field;
    }
}
