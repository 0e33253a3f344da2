package dev.myelin.policy.compress;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuantizationTest {

    @Property
    void fp16RoundTripIsTheIeeeRoundingAndWithinHalfAnUlp(@ForAll @FloatRange(min = -65504f, max = 65504f) float x) {
        float back = Quantization.fromFp16(Quantization.toFp16("w", new float[] {x}))[0];
        assertEquals(Float.float16ToFloat(Float.floatToFloat16(x)), back);
        // binary16 has 11 significant bits: relative error <= 2^-11 for normals, absolute <= 2^-25 for subnormals.
        assertTrue(Math.abs(back - x) <= Math.max(Math.abs(x) * 0x1p-11f, 0x1p-25f), x + " -> " + back);
    }

    @Example
    void fp16RefusesOverflowNamingTensorAndIndex() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Quantization.toFp16("layer3.weight", new float[] {1f, -65520f}));
        assertTrue(e.getMessage().contains("layer3.weight") && e.getMessage().contains("index 1"), e.getMessage());
        // 65519 still rounds down to 65504, the largest finite half.
        assertEquals(65504f, Quantization.fromFp16(Quantization.toFp16("w", new float[] {65519f}))[0]);
    }

    @Provide
    Arbitrary<float[]> matrices() {
        return Arbitraries.floats().between(-4f, 4f).array(float[].class).ofMinSize(1).ofMaxSize(64);
    }

    @Property
    void int8ErrorIsAtMostHalfAStepAndRowMaximaHitTheLimit(@ForAll("matrices") float[] values,
                                                           @ForAll @IntRange(min = 1, max = 4) int rows) {
        int cols = values.length / rows;
        if (cols == 0) {
            return;
        }
        float[] w = java.util.Arrays.copyOf(values, rows * cols);
        Quantization.Int8Rows q = Quantization.quantizeInt8(w, rows, cols);
        float[] back = Quantization.dequantize(q);
        for (int r = 0; r < rows; r++) {
            float maxAbs = 0f;
            int maxAt = -1;
            for (int c = 0; c < cols; c++) {
                if (Math.abs(w[r * cols + c]) > maxAbs) {
                    maxAbs = Math.abs(w[r * cols + c]);
                    maxAt = r * cols + c;
                }
            }
            float scale = q.scales()[r];
            assertEquals(maxAbs / 127f, scale);
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                assertTrue(q.codes()[i] >= -127 && q.codes()[i] <= 127);
                assertTrue(Math.abs(back[i] - w[i]) <= scale * 0.5f * (1 + 1e-6f) + Math.ulp(w[i]),
                        "row " + r + " col " + c + ": " + w[i] + " -> " + back[i] + " (scale " + scale + ")");
            }
            if (maxAt >= 0) {
                assertEquals(w[maxAt] > 0 ? 127 : -127, q.codes()[maxAt]);
            }
        }
    }

    @Property
    void int8IsOddSymmetricAndIdempotent(@ForAll("matrices") float[] w) {
        float[] neg = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            neg[i] = -w[i];
        }
        Quantization.Int8Rows q = Quantization.quantizeInt8(w, 1, w.length);
        Quantization.Int8Rows qn = Quantization.quantizeInt8(neg, 1, neg.length);
        for (int i = 0; i < w.length; i++) {
            assertEquals(-q.codes()[i], qn.codes()[i]);
        }
        // Quantizing the dequantized matrix again gives the same codes: an int8 engine that requantizes
        // what a bundle decoded reproduces the bundle's codes.
        Quantization.Int8Rows again = Quantization.quantizeInt8(Quantization.dequantize(q), 1, w.length);
        assertArrayEquals(q.codes(), again.codes());
    }

    @Example
    void int8RoundsHalvesAwayFromZeroAndLeavesZeroRowsAtScaleZero() {
        assertEquals(3, Quantization.code(2.5f, 1f));
        assertEquals(-3, Quantization.code(-2.5f, 1f));
        assertEquals(2, Quantization.code(2.4999998f, 1f));
        assertEquals(0, Quantization.code(0.49999997f, 1f));
        assertEquals(127, Quantization.code(1000f, 1f));
        assertEquals(-127, Quantization.code(-1000f, 1f));

        Quantization.Int8Rows q = Quantization.quantizeInt8(new float[] {0f, 0f, 0f, 1f, -2f, 0.5f}, 2, 3);
        assertArrayEquals(new float[] {0f, 2f / 127f}, q.scales());
        assertArrayEquals(new byte[] {0, 0, 0, 64, -127, 32}, q.codes());
        assertArrayEquals(new float[] {0f, 0f, 0f, 64 * (2f / 127f), -2f, 32 * (2f / 127f)}, Quantization.dequantize(q));
    }

    @Example
    void int8RefusesAShapeThatDoesNotFit() {
        assertThrows(IllegalArgumentException.class, () -> Quantization.quantizeInt8(new float[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> new Quantization.Int8Rows(2, 2, new float[1], new byte[4]));
    }
}
