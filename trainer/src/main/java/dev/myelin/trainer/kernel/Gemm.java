package dev.myelin.trainer.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision matrix products on row-major arrays with offsets and leading dimensions, written
 * with the Vector API and register-blocked (4 rows x 2 vectors of accumulators, which fits AVX2's
 * sixteen registers). Allocation-free; any thread, on disjoint outputs.
 *
 * <pre>
 *   product:           C[m][n] (+)= sum_k A(m, k) B[k][n]   where A(m, k) = a[aOff + m*aRow + k*aCol]
 *   productTransposed: C[m][k] (+)= sum_n A[m][n] B[k][n]   (dot products of rows)
 * </pre>
 * With {@code aRow = lda, aCol = 1} the first is the plain product; with {@code aRow = 1, aCol = lda}
 * it multiplies by A's transpose, which is how weight gradients {@code dW = X^T dY} are formed.
 */
public final class Gemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    static final int L = S.length();

    private Gemm() {
    }

    /** {@code C = A B} ({@code accumulate}: {@code C += A B}); A is M x K through strides, B is K x N, C is M x N. */
    public static void product(int m, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                               float[] c, int cOff, int ldc, boolean accumulate) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                block4x2(i, j, k, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, accumulate);
            }
            for (; j + L <= n; j += L) {
                for (int r = 0; r < 4; r++) {
                    row1(i + r, j, k, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, accumulate);
                }
            }
            for (int r = 0; r < 4; r++) {
                scalarTail(i + r, j, n, k, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, accumulate);
            }
        }
        for (; i < m; i++) {
            int j = 0;
            for (; j + L <= n; j += L) {
                row1(i, j, k, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, accumulate);
            }
            scalarTail(i, j, n, k, a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
    }

    private static void block4x2(int i, int j, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff,
                                 int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int a0 = aOff + i * aRow;
        int a1 = a0 + aRow;
        int a2 = a1 + aRow;
        int a3 = a2 + aRow;
        int bp = bOff + j;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            int ap = p * aCol;
            FloatVector x = FloatVector.broadcast(S, a[a0 + ap]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + ap]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + ap]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + ap]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            bp += ldb;
        }
        int cp = cOff + i * ldc + j;
        store(c00, c, cp, accumulate);
        store(c01, c, cp + L, accumulate);
        cp += ldc;
        store(c10, c, cp, accumulate);
        store(c11, c, cp + L, accumulate);
        cp += ldc;
        store(c20, c, cp, accumulate);
        store(c21, c, cp + L, accumulate);
        cp += ldc;
        store(c30, c, cp, accumulate);
        store(c31, c, cp + L, accumulate);
    }

    private static void row1(int i, int j, int k, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        FloatVector acc = FloatVector.zero(S);
        int ar = aOff + i * aRow;
        int bp = bOff + j;
        for (int p = 0; p < k; p++) {
            acc = FloatVector.broadcast(S, a[ar + p * aCol]).fma(FloatVector.fromArray(S, b, bp), acc);
            bp += ldb;
        }
        store(acc, c, cOff + i * ldc + j, accumulate);
    }

    private static void scalarTail(int i, int from, int n, int k, float[] a, int aOff, int aRow, int aCol, float[] b,
                                   int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        int ar = aOff + i * aRow;
        for (int j = from; j < n; j++) {
            float s = 0f;
            int bp = bOff + j;
            for (int p = 0; p < k; p++) {
                s = Math.fma(a[ar + p * aCol], b[bp], s);
                bp += ldb;
            }
            int at = cOff + i * ldc + j;
            c[at] = accumulate ? c[at] + s : s;
        }
    }

    private static void store(FloatVector v, float[] c, int at, boolean accumulate) {
        if (accumulate) {
            v = v.add(FloatVector.fromArray(S, c, at));
        }
        v.intoArray(c, at);
    }

    /**
     * {@code C[m][p] (+)= sum_n A[m][n] B[p][n]}: A is M x N, B is P x N (so this is {@code A B^T}), C is M x P.
     * Used for input gradients {@code dX = dY W^T} with W stored {@code [in][out]}.
     */
    public static void productTransposed(int m, int p, int n, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                         float[] c, int cOff, int ldc, boolean accumulate) {
        int bound = n - n % L;
        int i = 0;
        for (; i + 2 <= m; i += 2) {
            int q = 0;
            for (; q + 4 <= p; q += 4) {
                dot2x4(i, q, n, bound, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            }
            for (; q < p; q++) {
                put(c, cOff + i * ldc + q, dot(a, aOff + i * lda, b, bOff + q * ldb, n, bound), accumulate);
                put(c, cOff + (i + 1) * ldc + q, dot(a, aOff + (i + 1) * lda, b, bOff + q * ldb, n, bound), accumulate);
            }
        }
        for (; i < m; i++) {
            for (int q = 0; q < p; q++) {
                put(c, cOff + i * ldc + q, dot(a, aOff + i * lda, b, bOff + q * ldb, n, bound), accumulate);
            }
        }
    }

    private static void dot2x4(int i, int q, int n, int bound, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float[] c, int cOff, int ldc, boolean accumulate) {
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        int a0 = aOff + i * lda;
        int a1 = a0 + lda;
        int b0 = bOff + q * ldb;
        int b1 = b0 + ldb;
        int b2 = b1 + ldb;
        int b3 = b2 + ldb;
        for (int t = 0; t < bound; t += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + t);
            FloatVector x1 = FloatVector.fromArray(S, a, a1 + t);
            FloatVector w = FloatVector.fromArray(S, b, b0 + t);
            s00 = x0.fma(w, s00);
            s10 = x1.fma(w, s10);
            w = FloatVector.fromArray(S, b, b1 + t);
            s01 = x0.fma(w, s01);
            s11 = x1.fma(w, s11);
            w = FloatVector.fromArray(S, b, b2 + t);
            s02 = x0.fma(w, s02);
            s12 = x1.fma(w, s12);
            w = FloatVector.fromArray(S, b, b3 + t);
            s03 = x0.fma(w, s03);
            s13 = x1.fma(w, s13);
        }
        float r00 = sumLanes(s00), r01 = sumLanes(s01);
        float r02 = sumLanes(s02), r03 = sumLanes(s03);
        float r10 = sumLanes(s10), r11 = sumLanes(s11);
        float r12 = sumLanes(s12), r13 = sumLanes(s13);
        for (int t = bound; t < n; t++) {
            float x0 = a[a0 + t];
            float x1 = a[a1 + t];
            r00 = Math.fma(x0, b[b0 + t], r00);
            r01 = Math.fma(x0, b[b1 + t], r01);
            r02 = Math.fma(x0, b[b2 + t], r02);
            r03 = Math.fma(x0, b[b3 + t], r03);
            r10 = Math.fma(x1, b[b0 + t], r10);
            r11 = Math.fma(x1, b[b1 + t], r11);
            r12 = Math.fma(x1, b[b2 + t], r12);
            r13 = Math.fma(x1, b[b3 + t], r13);
        }
        int c0 = cOff + i * ldc + q;
        int c1 = c0 + ldc;
        put(c, c0, r00, accumulate);
        put(c, c0 + 1, r01, accumulate);
        put(c, c0 + 2, r02, accumulate);
        put(c, c0 + 3, r03, accumulate);
        put(c, c1, r10, accumulate);
        put(c, c1 + 1, r11, accumulate);
        put(c, c1 + 2, r12, accumulate);
        put(c, c1 + 3, r13, accumulate);
    }

    private static float dot(float[] a, int ap, float[] b, int bp, int n, int bound) {
        FloatVector s = FloatVector.zero(S);
        for (int t = 0; t < bound; t += L) {
            s = FloatVector.fromArray(S, a, ap + t).fma(FloatVector.fromArray(S, b, bp + t), s);
        }
        float r = sumLanes(s);
        for (int t = bound; t < n; t++) {
            r = Math.fma(a[ap + t], b[bp + t], r);
        }
        return r;
    }

    /**
     * The lanes' sum in lane order. {@code reduceLanes(ADD)} leaves the order unspecified, and it differs
     * between interpreted and compiled code, which would make training runs irreproducible.
     */
    static float sumLanes(FloatVector v) {
        float s = v.lane(0);
        for (int i = 1; i < L; i++) {
            s += v.lane(i);
        }
        return s;
    }

    private static void put(float[] c, int at, float v, boolean accumulate) {
        c[at] = accumulate ? c[at] + v : v;
    }

    /** {@code dst[dOff + j*rows + i] = src[sOff + i*cols + j]}: the transpose of a rows x cols matrix, in 8x8 tiles. */
    public static void transpose(float[] src, int sOff, int rows, int cols, float[] dst, int dOff) {
        for (int i0 = 0; i0 < rows; i0 += 8) {
            int i1 = Math.min(rows, i0 + 8);
            for (int j0 = 0; j0 < cols; j0 += 8) {
                int j1 = Math.min(cols, j0 + 8);
                for (int i = i0; i < i1; i++) {
                    int s = sOff + i * cols;
                    for (int j = j0; j < j1; j++) {
                        dst[dOff + j * rows + i] = src[s + j];
                    }
                }
            }
        }
    }

    /**
     * {@code dst[off + i * m + j] += srcT[j * n + i]}: adds an {@code [m][n]} accumulation to an {@code [n][m]}
     * gradient, element by element in row order of {@code dst}.
     */
    public static void addTransposed(float[] srcT, int m, int n, float[] dst, int off) {
        for (int i = 0; i < n; i++) {
            int row = off + i * m;
            for (int j = 0; j < m; j++) {
                dst[row + j] += srcT[j * n + i];
            }
        }
    }

    /** {@code out[off + j] += sum_r g[r * n + j]} over {@code rows} rows, in row order: a bias gradient. */
    public static void addColumnSums(float[] g, int rows, int n, float[] out, int off) {
        for (int r = 0; r < rows; r++) {
            int base = r * n;
            for (int j = 0; j < n; j++) {
                out[off + j] += g[base + j];
            }
        }
    }

    /** Floating-point operations of an M x N x K product (multiply and add counted separately). */
    public static long flops(long m, long n, long k) {
        return 2L * m * n * k;
    }
}
