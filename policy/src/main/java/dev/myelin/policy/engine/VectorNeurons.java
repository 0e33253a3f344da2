package dev.myelin.policy.engine;

import jdk.incubator.vector.FloatVector;
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

    private static int append(long bits, int base, int[] fired, int n) {
        while (bits != 0) {
            fired[n++] = base + Long.numberOfTrailingZeros(bits);
            bits &= bits - 1;
        }
        return n;
    }
}
