package dev.myelin.policy.bundle;

import java.nio.charset.StandardCharsets;

/** Fixed sizes and constants of the {@code .myl} layout (policy/BUNDLE_FORMAT.md is the specification). */
final class Layout {

    /** PNG-style signature: a high byte, the name, CR LF, ^Z, LF catch 7-bit and newline-mangling transfers. */
    static final byte[] MAGIC = {(byte) 0x89, 'M', 'Y', 'L', '\r', '\n', 0x1a, '\n'};
    static final int FORMAT_VERSION = 1;

    static final int OFFSET_VERSION = 8;
    static final int OFFSET_FLAGS = 10;
    static final int OFFSET_MANIFEST_LENGTH = 12;
    static final int OFFSET_TENSOR_SECTION_LENGTH = 16;
    static final int HEADER_SIZE = 24;

    /** Tensor section and every tensor (and every part of a tensor) start on a multiple of this. */
    static final int ALIGNMENT = 8;
    static final int DIGEST_SIZE = 32;

    static final byte[] SIGNATURE_TAG = "ED25".getBytes(StandardCharsets.US_ASCII);
    static final int KEY_ID_SIZE = 8;
    static final int SIGNATURE_SIZE = 64;
    static final int SIGNATURE_BLOCK_SIZE = SIGNATURE_TAG.length + KEY_ID_SIZE + SIGNATURE_SIZE;

    private Layout() {
    }

    static long align(long position) {
        return (position + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** File offset of the tensor section for a manifest of {@code manifestLength} bytes. */
    static long tensorSectionStart(long manifestLength) {
        return align(HEADER_SIZE + manifestLength);
    }
}
