package dev.myelin.policy.engine;

import dev.myelin.policy.model.Grsn;
import dev.myelin.policy.model.Policy;

/**
 * GRSN on int8 weights with Q12 fixed-point state ({@link FixedPoint}). Per layer:
 * {@code F = Q12(sigmoid(g))} (the gate non-linearity is evaluated in fp32 on the Q12 pre-activation
 * and quantised back), {@code C = max(0, i)}, {@code h = (F h + (4096 - F) C + 2048) >> 12},
 * {@code v = v + scale(h - v, round(4096 / tau))}, {@code s = v >= TH}, {@code v -= TH s}.
 * The readout sums int8 weights over spikes into a Q12 leaky integrator
 * {@code u = u + scale(z + b - u, round(4096 / tau))} and applies tanh in fp32.
 */
final class GrsnInt8 implements InferenceEngine {
    private final Policy policy;
    private final Observations observations;
    private final ActionRange range;
    private final Int8Synapses[] gate;
    private final Int8Synapses[] input;
    private final int[][] gateBias;
    private final int[][] inputBias;
    private final int[][] h;
    private final int[][] v;
    private final int[][] s;
    private final Int8Synapses readout;
    private final int[] readoutBias;
    private final float[] normalized;
    private final int[] observationQ12;
    private final long[] wide;
    private final int[] acc;
    private final int[] gatePre;
    private final int[] inputPre;
    private final int[] z;
    private final int[] u;
    private final int invTau;
    private final int threshold;
    private final EnergyMeter energy;

    GrsnInt8(Policy policy) {
        this.policy = policy;
        Grsn net = (Grsn) policy.network();
        observations = new Observations(policy.normalizer());
        range = new ActionRange(policy.actions());
        int[] hidden = net.hidden();
        int n = hidden.length;
        gate = new Int8Synapses[n];
        input = new Int8Synapses[n];
        gateBias = new int[n][];
        inputBias = new int[n][];
        h = new int[n][];
        v = new int[n][];
        s = new int[n][];
        int widest = net.actionSize();
        for (int l = 0; l < n; l++) {
            gate[l] = Int8Synapses.quantize(net.tensor("layer" + l + ".gate.weight"));
            input[l] = Int8Synapses.quantize(net.tensor("layer" + l + ".input.weight"));
            gateBias[l] = FixedLif.fixedBias(net.tensor("layer" + l + ".gate.bias").data());
            inputBias[l] = FixedLif.fixedBias(net.tensor("layer" + l + ".input.bias").data());
            h[l] = new int[hidden[l]];
            v[l] = new int[hidden[l]];
            s[l] = new int[hidden[l]];
            widest = Math.max(widest, hidden[l]);
        }
        readout = Int8Synapses.quantize(net.tensor("readout.weight"));
        readoutBias = FixedLif.fixedBias(net.tensor("readout.bias").data());
        normalized = new float[net.observationSize()];
        observationQ12 = new int[net.observationSize()];
        wide = new long[Columns.padded(widest)];
        acc = new int[Columns.padded(widest)];
        gatePre = new int[widest];
        inputPre = new int[widest];
        z = new int[net.actionSize()];
        u = new int[net.actionSize()];
        invTau = FixedPoint.decay(1f / net.tau());
        threshold = FixedPoint.toFixed(net.threshold());
        energy = new EnergyMeter(net.annEquivalentMacs());
        energy.layers(PopSanFloat.numberedLayers(null, gate.length));
    }

    @Override
    public String name() {
        return "int8";
    }

    @Override
    public Policy policy() {
        return policy;
    }

    @Override
    public void act(float[] observation, float[] action) {
        observations.check(observation);
        energy.clear();
        observations.normalize(observation, normalized);
        for (int i = 0; i < normalized.length; i++) {
            observationQ12[i] = FixedPoint.toFixed(normalized[i]);
        }
        int[] x = observationQ12;
        for (int l = 0; l < gate.length; l++) {
            int width = h[l].length;
            if (l == 0) {
                gate[l].projectFixed(x, wide, gatePre);
                input[l].projectFixed(x, wide, inputPre);
                energy.addMacs(2L * gate[l].in * width);
            } else {
                int active = gate[l].accumulateCounts(x, acc);
                gate[l].toFixed(acc, gatePre);
                input[l].accumulateCounts(x, acc);
                input[l].toFixed(acc, inputPre);
                energy.addSynOps(2L * active * width);
            }
            energy.addMacs(3L * width);
            energy.addSpikes(l, update(l, width));
            x = s[l];
        }
        int active = readout.accumulateCounts(x, acc);
        readout.toFixed(acc, z);
        energy.addSynOps((long) active * readout.out);
        for (int j = 0; j < z.length; j++) {
            int target = FixedPoint.saturate((long) z[j] + readoutBias[j]);
            u[j] = FixedPoint.saturate((long) u[j] + FixedPoint.scale(target - u[j], invTau));
            action[j] = range.squash(j, FixedPoint.toFloat(u[j]));
        }
    }

    private int update(int l, int width) {
        int[] hl = h[l];
        int[] vl = v[l];
        int[] sl = s[l];
        int[] gb = gateBias[l];
        int[] ib = inputBias[l];
        int spikes = 0;
        for (int i = 0; i < width; i++) {
            int g = FixedPoint.saturate((long) gatePre[i] + gb[i]);
            int f = FixedPoint.toFixed((float) (1.0 / (1.0 + Math.exp(-FixedPoint.toFloat(g)))));
            int c = Math.max(0, FixedPoint.saturate((long) inputPre[i] + ib[i]));
            int hi = FixedPoint.saturate(((long) f * hl[i] + (long) (FixedPoint.ONE - f) * c + (FixedPoint.ONE >> 1))
                    >> FixedPoint.FRACTION_BITS);
            hl[i] = hi;
            int vi = FixedPoint.saturate((long) vl[i] + FixedPoint.scale(hi - vl[i], invTau));
            if (vi >= threshold) {
                sl[i] = 1;
                vi -= threshold;
                spikes++;
            } else {
                sl[i] = 0;
            }
            vl[i] = vi;
        }
        return spikes;
    }

    @Override
    public void reset() {
        for (int l = 0; l < h.length; l++) {
            java.util.Arrays.fill(h[l], 0);
            java.util.Arrays.fill(v[l], 0);
            java.util.Arrays.fill(s[l], 0);
        }
        java.util.Arrays.fill(u, 0);
    }

    @Override
    public EnergyMeter energy() {
        return energy;
    }
}
