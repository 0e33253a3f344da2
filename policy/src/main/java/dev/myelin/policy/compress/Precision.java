package dev.myelin.policy.compress;

import java.util.Locale;

/**
 * Storage precision of a bundle's weight matrices (see {@link Compression#isCompressible}); every other
 * tensor is always stored as fp32. Engines always receive fp32 values: fp16 and int8 weights are
 * dequantized when the bundle is read.
 */
public enum Precision {
    /** IEEE 754 binary32, stored bit for bit. */
    FP32,
    /** IEEE 754 binary16, rounded to nearest even ({@link Float#floatToFloat16}). */
    FP16,
    /** Signed 8-bit codes with one fp32 scale per output channel (row), symmetric, zero point 0. */
    INT8;

    /** Name as written in bundle manifests: {@code fp32}, {@code fp16}, {@code int8}. */
    public String manifestName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Inverse of {@link #manifestName()}; throws IllegalArgumentException naming the known values. */
    public static Precision fromManifestName(String name) {
        for (Precision p : values()) {
            if (p.manifestName().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + name + "' (known: fp32, fp16, int8)");
    }
}
