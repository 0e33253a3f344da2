package dev.myelin.trainer.kernel;

/**
 * The number format a computation's results are stored in. The fused CPU kernels always compute in
 * fp32 (as tensor cores accumulate fp16 products in fp32) and round each stored result to this format,
 * which reproduces fp16/bf16 autocast numerics: overflow to infinity above 65504 in fp16, underflow
 * below 2^-24, 11 (fp16) or 8 (bf16) significant bits. Stateless; any thread.
 */
public enum Rounding {
    /** IEEE binary32: results are kept as computed. */
    FP32,
    /** IEEE binary16, round to nearest even ({@link Float#floatToFloat16}). */
    FP16,
    /** bfloat16 (8 exponent bits, 8 significant bits), round to nearest even. */
    BF16;

    /** {@code x} rounded to this format (and back to a float holding that value). */
    public float round(float x) {
        return switch (this) {
            case FP32 -> x;
            case FP16 -> Float.float16ToFloat(Float.floatToFloat16(x));
            case BF16 -> bf16(x);
        };
    }

    /** Rounds {@code x[off..off+n)} in place. */
    public void round(float[] x, int off, int n) {
        switch (this) {
            case FP32 -> {
            }
            case FP16 -> {
                for (int i = off, end = off + n; i < end; i++) {
                    x[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
                }
            }
            case BF16 -> {
                for (int i = off, end = off + n; i < end; i++) {
                    x[i] = bf16(x[i]);
                }
            }
        }
    }

    /** Copies {@code src[0..n)} into {@code dst} rounded to this format. */
    public void copy(float[] src, int sOff, float[] dst, int dOff, int n) {
        System.arraycopy(src, sOff, dst, dOff, n);
        round(dst, dOff, n);
    }

    private static float bf16(float x) {
        if (Float.isNaN(x)) {
            return x;
        }
        int bits = Float.floatToRawIntBits(x);
        // Round to nearest, ties to even, on the 16 bits that bfloat16 drops.
        bits += 0x7FFF + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(bits & 0xFFFF0000);
    }
}
