package dev.myelin.policy.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API forms of the per-neuron updates, with the same operations in the same order per
 * neuron as the scalar loops, hence bit-identical to them. Loaded only when the incubator module is present.
 */
final class VectorNeurons {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorNeurons() {
    }

    /** {@link FloatLif#stepScalar}: {@code c = cd c + I (+ b)}, {@code v = (s ? 0 : vd v) + c}, {@code s = v > th}. */
    static int lifStep(float[] c, float[] v, float[] s, int[] fired, float[] current, float[] bias,
                       float cd, float vd, float th, int size) {
        final FloatVector zero = FloatVector.zero(S);
        final FloatVector one = FloatVector.broadcast(S, 1f);
        int n = 0;
        int i = 0;
        for (int bound = S.loopBound(size); i < bound; i += S.length()) {
            FloatVector ci = FloatVector.fromArray(S, c, i).mul(cd).add(FloatVector.fromArray(S, current, i));
            if (bias != null) {
                ci = ci.add(FloatVector.fromArray(S, bias, i));
            }
            ci.intoArray(c, i);
            VectorMask<Float> wasFiring = FloatVector.fromArray(S, s, i).compare(VectorOperators.NE, 0f);
            FloatVector vi = FloatVector.fromArray(S, v, i).mul(vd).blend(zero, wasFiring).add(ci);
            vi.intoArray(v, i);
            VectorMask<Float> fire = vi.compare(VectorOperators.GT, th);
            zero.blend(one, fire).intoArray(s, i);
            n = append(fire.toLong(), i, fired, n);
        }
        return FloatLif.stepScalar(c, v, s, fired, n, current, bias, cd, vd, th, i, size);
    }

    /** Deterministic encoder step: {@code p += A; if (p > th) { p -= th; spike }}. */
    static int regularSpikes(float[] potential, float[] activation, float[] s, int[] fired, float th, int size) {
        final FloatVector zero = FloatVector.zero(S);
        final FloatVector one = FloatVector.broadcast(S, 1f);
        final FloatVector thv = FloatVector.broadcast(S, th);
        int n = 0;
        int i = 0;
        for (int bound = S.loopBound(size); i < bound; i += S.length()) {
            FloatVector p = FloatVector.fromArray(S, potential, i).add(FloatVector.fromArray(S, activation, i));
            VectorMask<Float> fire = p.compare(VectorOperators.GT, th);
            p.sub(zero.blend(thv, fire)).intoArray(potential, i);
            zero.blend(one, fire).intoArray(s, i);
            n = append(fire.toLong(), i, fired, n);
        }
        return PopulationCoding.Encoder.regularScalar(potential, activation, s, fired, n, th, i, size);
    }

    /**
     * Appends the lane indices of {@code bits} (offset by {@code base}) to {@code fired} without
     * branches, eight lanes at a time through {@link SpikeMasks}; {@code fired} needs
     * {@link Spikes#SLACK} entries of room beyond its logical size.
     */
    private static int append(long bits, int base, int[] fired, int n) {
        for (int c = 0; c < S.length(); c += 8) {
            int m = (int) (bits >>> c) & 0xFF;
            SpikeMasks.positions(m, base + c).intoArray(fired, n);
            n += Integer.bitCount(m);
        }
        return n;
    }

    /** {@code out[k] = FastExp.exp(x[k])} for k in [0, size), operation for operation as {@link FastExp#exp}. */
    static void exp(float[] x, float[] out, int size) {
        int k = 0;
        for (int bound = S.loopBound(size); k < bound; k += S.length()) {
            FloatVector xv = FloatVector.fromArray(S, x, k);
            FloatVector n = xv.mul(FastExp.LOG2E).add(FastExp.ROUND).sub(FastExp.ROUND);
            FloatVector r = xv.sub(n.mul(FastExp.LN2_HI)).sub(n.mul(FastExp.LN2_LO));
            FloatVector p = r.mul(FastExp.C7).add(FastExp.C6).mul(r).add(FastExp.C5).mul(r).add(FastExp.C4).mul(r)
                    .add(FastExp.C3).mul(r).add(FastExp.C2).mul(r).add(1f).mul(r).add(1f);
            FloatVector scale = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127)
                    .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = p.mul(scale);
            e = e.blend(0f, xv.compare(VectorOperators.LT, FastExp.MIN_ARG));
            e = e.blend(Float.POSITIVE_INFINITY, xv.compare(VectorOperators.GT, FastExp.MAX_ARG));
            e.intoArray(out, k);
        }
        for (; k < size; k++) {
            out[k] = FastExp.exp(x[k]);
        }
    }
}
