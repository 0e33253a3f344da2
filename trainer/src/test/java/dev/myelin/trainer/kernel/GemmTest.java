package dev.myelin.trainer.kernel;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vector kernels agree with textbook triple loops in double precision, for every shape (tails included). */
class GemmTest {

    static float[] random(SplittableRandom r, int n, double zeroFraction) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextDouble() < zeroFraction ? 0f : (float) r.nextGaussian();
        }
        return a;
    }

    static void close(double expected, float actual, int terms, String what) {
        double tol = 1e-5 * Math.sqrt(terms) * (1 + Math.abs(expected));
        assertTrue(Math.abs(expected - actual) <= tol, what + ": expected " + expected + ", got " + actual);
    }

    @Property(tries = 60)
    void productMatchesReference(@ForAll @IntRange(min = 1, max = 37) int m, @ForAll @IntRange(min = 1, max = 70) int n,
                                 @ForAll @IntRange(min = 1, max = 40) int k, @ForAll boolean transposedA,
                                 @ForAll boolean accumulate) {
        SplittableRandom r = new SplittableRandom(m * 10007L + n * 101L + k);
        int off = 3;
        float[] a = random(r, off + m * k, 0);
        float[] b = random(r, off + k * n, 0);
        float[] c = random(r, off + m * n, 0);
        float[] c0 = c.clone();
        // A(i, p) at a[off + i*aRow + p*aCol]
        int aRow = transposedA ? 1 : k;
        int aCol = transposedA ? m : 1;
        Gemm.product(m, n, k, a, off, aRow, aCol, b, off, n, c, off, n, accumulate);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = accumulate ? c0[off + i * n + j] : 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[off + i * aRow + p * aCol] * b[off + p * n + j];
                }
                close(s, c[off + i * n + j], k, "C[" + i + "][" + j + "]");
            }
        }
        for (int i = 0; i < off; i++) {
            assertEquals(c0[i], c[i], "element before the output was touched");
        }
    }

    @Property(tries = 60)
    void productTransposedMatchesReference(@ForAll @IntRange(min = 1, max = 21) int m,
                                           @ForAll @IntRange(min = 1, max = 23) int p,
                                           @ForAll @IntRange(min = 1, max = 70) int n, @ForAll boolean accumulate) {
        SplittableRandom r = new SplittableRandom(m * 7919L + p * 31L + n);
        float[] a = random(r, m * n, 0);
        float[] b = random(r, p * n, 0);
        float[] c = random(r, m * p, 0);
        float[] c0 = c.clone();
        Gemm.productTransposed(m, p, n, a, 0, n, b, 0, n, c, 0, p, accumulate);
        for (int i = 0; i < m; i++) {
            for (int q = 0; q < p; q++) {
                double s = accumulate ? c0[i * p + q] : 0;
                for (int t = 0; t < n; t++) {
                    s += (double) a[i * n + t] * b[q * n + t];
                }
                close(s, c[i * p + q], n, "C[" + i + "][" + q + "]");
            }
        }
    }

    @Test
    void spikeProductsAddTheSelectedRowsInIndexOrder() {
        SplittableRandom r = new SplittableRandom(5);
        int rows = 23;
        int cols = 37;
        int n = 45;
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble() < 0.2 ? 1f : 0f;
        }
        float[] w = random(r, cols * n, 0);
        SpikeIndex index = new SpikeIndex(rows, cols);
        index.build(x, rows);
        float[] out = new float[rows * n];
        index.multiply(w, 0, n, out, 0, n);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int q = 0; q < cols; q++) {
                    if (x[i * cols + q] != 0f) {
                        s += w[q * n + j];
                    }
                }
                // the same additions in the same order: bit-identical
                assertEquals(s, out[i * n + j], "row " + i + " column " + j);
            }
        }
        float[] dy = random(r, rows * n, 0);
        float[] dw = new float[cols * n];
        index.multiplyTransposedInto(dy, 0, n, dw, 0);
        for (int q = 0; q < cols; q++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int i = 0; i < rows; i++) {
                    s += x[i * cols + q] * (double) dy[i * n + j];
                }
                close(s, dw[q * n + j], rows, "dW[" + q + "][" + j + "]");
            }
        }
    }

    @Test
    void roundingFormats() {
        assertEquals(Float.POSITIVE_INFINITY, Rounding.FP16.round(70000f));
        assertEquals(65504f, Rounding.FP16.round(65504f));
        assertEquals(0f, Rounding.FP16.round(1e-8f));
        assertEquals(1f, Rounding.BF16.round(1.001f));
        assertEquals(3.3895314e38f, Rounding.BF16.round(3.3895314e38f));
        assertEquals(1.0078125f, Rounding.BF16.round(1.0078125f));
        assertEquals(1.2345678f, Rounding.FP32.round(1.2345678f));
    }
}
