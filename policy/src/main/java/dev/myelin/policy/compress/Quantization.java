package dev.myelin.policy.compress;

/**
 * Number formats of compressed weight matrices. Pure functions on arrays; the bundle writer, the
 * bundle reader and {@link Compression#apply} all go through these, so what a robot decodes is exactly
 * what {@link Compression#apply} predicts. Callable from any thread.
 *
 * <p><b>fp16</b>: IEEE 754 binary16 with round-to-nearest-even ({@link Float#floatToFloat16}); values whose
 * magnitude rounds beyond 65504 are refused rather than turned into infinity.
 *
 * <p><b>int8</b>: symmetric, per output channel. For a weight matrix {@code W [out, in]}, row r gets
 * {@code scale_r = max_j |W_rj| / 127} (computed in fp32) and codes
 * {@code q_rj = clamp(round(W_rj / scale_r), -127, 127)}, the division in fp64 and {@code round} taking
 * halves away from zero (the int8 engines' convention, so they reproduce these codes exactly). The zero
 * point is 0 and -128 is never used, so {@code q(-w) = -q(w)}.
 * A row of zeros gets scale 0. Dequantization is {@code w' = q * scale_r} in fp32, so
 * {@code |w - w'| <= scale_r / 2} up to one fp32 rounding.
 */
public final class Quantization {

    /** Largest int8 code magnitude; codes lie in [-127, 127]. */
    public static final int INT8_LIMIT = 127;

    private Quantization() {
    }

    /** Int8 codes of a row-major {@code [rows, cols]} matrix with one scale per row. Arrays are owned by the record. */
    public record Int8Rows(int rows, int cols, float[] scales, byte[] codes) {
        public Int8Rows {
            if (rows <= 0 || cols <= 0 || scales.length != rows || codes.length != (long) rows * cols) {
                throw new IllegalArgumentException("int8 rows: " + scales.length + " scales and " + codes.length
                        + " codes do not make a [" + rows + ", " + cols + "] matrix");
            }
        }
    }

    /** Converts to binary16 bit patterns; throws IllegalArgumentException naming the tensor and index on overflow. */
    public static short[] toFp16(String tensorName, float[] values) {
        short[] out = new short[values.length];
        for (int i = 0; i < values.length; i++) {
            short h = Float.floatToFloat16(values[i]);
            if (Float.isFinite(values[i]) && !Float.isFinite(Float.float16ToFloat(h))) {
                throw new IllegalArgumentException("tensor " + tensorName + ": value " + values[i] + " at index " + i
                        + " is outside the fp16 range (|x| <= 65504)");
            }
            out[i] = h;
        }
        return out;
    }

    /** Widens binary16 bit patterns to fp32 (exact). */
    public static float[] fromFp16(short[] halves) {
        float[] out = new float[halves.length];
        for (int i = 0; i < halves.length; i++) {
            out[i] = Float.float16ToFloat(halves[i]);
        }
        return out;
    }

    /** Quantizes a row-major {@code [rows, cols]} matrix of finite values, one scale per row (see class doc). */
    public static Int8Rows quantizeInt8(float[] values, int rows, int cols) {
        if (rows <= 0 || cols <= 0 || values.length != (long) rows * cols) {
            throw new IllegalArgumentException("int8: " + values.length + " values do not make a [" + rows + ", "
                    + cols + "] matrix");
        }
        float[] scales = new float[rows];
        byte[] codes = new byte[values.length];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            float maxAbs = 0f;
            for (int c = 0; c < cols; c++) {
                maxAbs = Math.max(maxAbs, Math.abs(values[base + c]));
            }
            float scale = maxAbs / INT8_LIMIT;
            scales[r] = scale;
            if (scale == 0f) {
                continue; // all-zero row (or subnormal magnitudes below scale resolution): codes stay 0
            }
            for (int c = 0; c < cols; c++) {
                codes[base + c] = (byte) code(values[base + c], scale);
            }
        }
        return new Int8Rows(rows, cols, scales, codes);
    }

    /** {@code clamp(round(w / scale), -127, 127)} with halves rounded away from zero; {@code scale > 0}. */
    public static int code(float w, float scale) {
        double q = w / (double) scale;
        long magnitude = Math.min(INT8_LIMIT, Math.round(Math.abs(q))); // Math.round: halves up, exact near .5
        return (int) (q < 0 ? -magnitude : magnitude);
    }

    /** {@code w' = q * scale_row} in fp32. */
    public static float[] dequantize(Int8Rows q) {
        float[] out = new float[q.codes().length];
        float[] scales = q.scales();
        byte[] codes = q.codes();
        int cols = q.cols();
        for (int r = 0; r < q.rows(); r++) {
            float s = scales[r];
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                out[base + c] = codes[base + c] * s;
            }
        }
        return out;
    }
}
