package dev.myelin.trainer.seq;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The column kernels of the recurrent actors: {@code y += a x} and {@code y += x} over contiguous runs,
 * written with the Vector API as a lane-wise multiply followed by an add (never a fused multiply-add), so
 * every element gets exactly the bits of the scalar {@code y[i] += a * x[i]}: results do not depend on the
 * vector width, and the GRSN actor's sums stay identical to the policy module's engines. Allocation-free;
 * any thread, on disjoint outputs.
 */
final class GrsnColumns {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private GrsnColumns() {
    }

    /** {@code y[yOff + i] += a * x[xOff + i]} for {@code i < n}; nothing when {@code a} is 0. */
    static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        if (a == 0f) {
            return;
        }
        int i = 0;
        int bound = S.loopBound(n);
        if (bound > 0) {
            FloatVector va = FloatVector.broadcast(S, a);
            for (; i < bound; i += S.length()) {
                FloatVector.fromArray(S, x, xOff + i).mul(va).add(FloatVector.fromArray(S, y, yOff + i))
                        .intoArray(y, yOff + i);
            }
        }
        for (; i < n; i++) {
            y[yOff + i] += a * x[xOff + i];
        }
    }

    /** {@code y[yOff + i] += x[xOff + i]} for {@code i < n}. */
    static void add(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        int bound = S.loopBound(n);
        for (; i < bound; i += S.length()) {
            FloatVector.fromArray(S, x, xOff + i).add(FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += x[xOff + i];
        }
    }
}
