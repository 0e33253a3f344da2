package dev.myelin.trainer.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import static dev.myelin.trainer.kernel.Gemm.L;
import static dev.myelin.trainer.kernel.Gemm.S;

/**
 * Per-neuron updates of PopSAN's current-based LIF layer over one row of neurons, in fp32 with the Vector
 * API. Each lane performs the same operations in the same order as the scalar code it replaces (no fused
 * multiply-add), so results are bit-identical to it and to the policy module's engines. Allocation-free;
 * any thread on disjoint rows.
 */
public final class LifKernels {
    private LifKernels() {
    }

    /**
     * One timestep for neurons {@code 0..n)}: {@code c = cd c + I + b}, {@code v = (s_prev ? 0 : vd v_prev) + c},
     * {@code s = v > th}. With {@code first} the previous state is zero ({@code vPrev}, {@code sPrev} unused).
     * Returns the number of spikes.
     */
    public static int step(float[] c, int cOff, float[] current, int iOff, float[] bias, int bOff, float[] vPrev,
                           float[] sPrev, int pOff, float[] v, float[] s, int oOff, int n, float cd, float vd, float th,
                           boolean first) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        int fired = 0;
        int j = 0;
        for (int bound = n - n % L; j < bound; j += L) {
            FloatVector ci = FloatVector.fromArray(S, c, cOff + j).mul(cd).add(FloatVector.fromArray(S, current, iOff + j))
                    .add(FloatVector.fromArray(S, bias, bOff + j));
            ci.intoArray(c, cOff + j);
            FloatVector vi;
            if (first) {
                vi = zero.add(ci);
            } else {
                VectorMask<Float> wasFiring = FloatVector.fromArray(S, sPrev, pOff + j).compare(VectorOperators.NE, 0f);
                vi = FloatVector.fromArray(S, vPrev, pOff + j).mul(vd).blend(zero, wasFiring).add(ci);
            }
            vi.intoArray(v, oOff + j);
            VectorMask<Float> fire = vi.compare(VectorOperators.GT, th);
            zero.blend(one, fire).intoArray(s, oOff + j);
            fired += fire.trueCount();
        }
        for (; j < n; j++) {
            float ci = cd * c[cOff + j] + current[iOff + j];
            ci += bias[bOff + j];
            c[cOff + j] = ci;
            float vi = (first || sPrev[pOff + j] != 0f ? 0f : vd * vPrev[pOff + j]) + ci;
            v[oOff + j] = vi;
            if (vi > th) {
                s[oOff + j] = 1f;
                fired++;
            } else {
                s[oOff + j] = 0f;
            }
        }
        return fired;
    }

    /**
     * One step of the deterministic population encoder over {@code n} neurons:
     * {@code p += A; x = p > th; p -= th x} (PopSAN's regular spikes), spikes into {@code x[xOff..]}.
     */
    public static void regularSpikes(float[] potential, float[] activation, float[] x, int xOff, int n, float th) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector thv = FloatVector.broadcast(S, th);
        int k = 0;
        for (int bound = n - n % L; k < bound; k += L) {
            FloatVector p = FloatVector.fromArray(S, potential, k).add(FloatVector.fromArray(S, activation, k));
            VectorMask<Float> fire = p.compare(VectorOperators.GT, th);
            p.sub(zero.blend(thv, fire)).intoArray(potential, k);
            zero.blend(one, fire).intoArray(x, xOff + k);
        }
        for (; k < n; k++) {
            float p = potential[k] + activation[k];
            if (p > th) {
                p -= th;
                x[xOff + k] = 1f;
            } else {
                x[xOff + k] = 0f;
            }
            potential[k] = p;
        }
    }

    /** Surrogate derivative shapes, vectorised; see {@code dev.myelin.trainer.nn.Surrogate}. */
    public enum Shape {
        RECTANGULAR, TRIANGULAR, FAST_SIGMOID
    }

    /**
     * One reverse timestep of the LIF layer over {@code width} contiguous neurons:
     * <pre>
     *   gs' = gs - vd v gv ;  gv = gs' sur(v - th) + vd (1 - s) gv ;  gc = gv + cd gc ;  gI = gc
     * </pre>
     * {@code gv} and {@code gc} carry the gradients from the next timestep in and this one out.
     */
    public static void backStep(float[] gOut, float[] v, float[] s, int off, float[] gv, float[] gc, float[] gI, int width,
                                float cd, float vd, float th, Shape shape, float w) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector zero = FloatVector.zero(S);
        int k = 0;
        for (int bound = width - width % L; k < bound; k += L) {
            FloatVector vt = FloatVector.fromArray(S, v, off + k);
            FloatVector st = FloatVector.fromArray(S, s, off + k);
            FloatVector gvNext = FloatVector.fromArray(S, gv, k);
            FloatVector gsTotal = FloatVector.fromArray(S, gOut, off + k).sub(vt.mul(vd).mul(gvNext));
            FloatVector x = vt.sub(th).abs();
            FloatVector sur = switch (shape) {
                case RECTANGULAR -> zero.blend(one, x.compare(VectorOperators.LT, w));
                case TRIANGULAR -> one.sub(x.div(w)).max(zero);
                case FAST_SIGMOID -> {
                    FloatVector d = x.div(w).add(one);
                    yield one.div(d.mul(d));
                }
            };
            FloatVector gvt = gsTotal.mul(sur).add(one.sub(st).mul(vd).mul(gvNext));
            FloatVector gct = gvt.add(FloatVector.fromArray(S, gc, k).mul(cd));
            gvt.intoArray(gv, k);
            gct.intoArray(gc, k);
            gct.intoArray(gI, off + k);
        }
        for (; k < width; k++) {
            float vt = v[off + k];
            float gvNext = gv[k];
            float gsTotal = gOut[off + k] - vt * vd * gvNext;
            float x = Math.abs(vt - th);
            float sur = switch (shape) {
                case RECTANGULAR -> x < w ? 1f : 0f;
                case TRIANGULAR -> Math.max(1f - x / w, 0f);
                case FAST_SIGMOID -> {
                    float d = x / w + 1f;
                    yield 1f / (d * d);
                }
            };
            float gvt = gsTotal * sur + (1f - s[off + k]) * vd * gvNext;
            float gct = gvt + gc[k] * cd;
            gv[k] = gvt;
            gc[k] = gct;
            gI[off + k] = gct;
        }
    }

    /** {@code acc[0..n) += sum over rows r of x[off + r*n ..]} for {@code rows} rows (bias gradients). */
    public static void addRows(float[] x, int off, int rows, int n, float[] acc, int accOff) {
        int j = 0;
        for (int bound = n - n % L; j < bound; j += L) {
            FloatVector a = FloatVector.fromArray(S, acc, accOff + j);
            for (int r = 0; r < rows; r++) {
                a = a.add(FloatVector.fromArray(S, x, off + r * n + j));
            }
            a.intoArray(acc, accOff + j);
        }
        for (; j < n; j++) {
            float a = acc[accOff + j];
            for (int r = 0; r < rows; r++) {
                a += x[off + r * n + j];
            }
            acc[accOff + j] = a;
        }
    }
}
