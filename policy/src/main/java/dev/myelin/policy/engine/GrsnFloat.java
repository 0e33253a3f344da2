package dev.myelin.policy.engine;

import dev.myelin.policy.model.Grsn;
import dev.myelin.policy.model.Policy;

/**
 * GRSN in fp32 (dense or event-driven synapses), one spiking step per decision with state kept
 * between decisions until {@link #reset()}. Layer 0 sees the real-valued normalised observation
 * (dense MACs in both modes); deeper layers and the readout see spikes.
 */
final class GrsnFloat implements InferenceEngine {
    private final String name;
    private final Policy policy;
    private final Observations observations;
    private final ActionRange range;
    private final FloatSynapses[] gate;
    private final FloatSynapses[] input;
    private final float[][] gateBias;
    private final float[][] inputBias;
    private final float[][] h;
    private final float[][] v;
    private final float[][] s;
    private final FloatSynapses readout;
    private final float[] readoutBias;
    private final float[] normalized;
    private final float[] gatePre;
    private final float[] inputPre;
    private final float[] z;
    /** Leaky-integrator readout state. */
    private final float[] u;
    private final float invTau;
    private final float threshold;
    private final EnergyMeter energy;

    GrsnFloat(Policy policy, boolean eventDriven) {
        this.name = eventDriven ? "event" : "dense";
        this.policy = policy;
        Grsn net = (Grsn) policy.network();
        observations = new Observations(policy.normalizer());
        range = new ActionRange(policy.actions());
        int[] hidden = net.hidden();
        int n = hidden.length;
        gate = new FloatSynapses[n];
        input = new FloatSynapses[n];
        gateBias = new float[n][];
        inputBias = new float[n][];
        h = new float[n][];
        v = new float[n][];
        s = new float[n][];
        int widest = 0;
        for (int l = 0; l < n; l++) {
            gate[l] = new FloatSynapses(net.tensor("layer" + l + ".gate.weight"), eventDriven);
            input[l] = new FloatSynapses(net.tensor("layer" + l + ".input.weight"), eventDriven);
            gateBias[l] = net.tensor("layer" + l + ".gate.bias").data().clone();
            inputBias[l] = net.tensor("layer" + l + ".input.bias").data().clone();
            h[l] = new float[hidden[l]];
            v[l] = new float[hidden[l]];
            s[l] = new float[hidden[l]];
            widest = Math.max(widest, hidden[l]);
        }
        readout = new FloatSynapses(net.tensor("readout.weight"), eventDriven);
        readoutBias = net.tensor("readout.bias").data().clone();
        normalized = new float[net.observationSize()];
        gatePre = new float[Columns.padded(widest)];
        inputPre = new float[Columns.padded(widest)];
        z = new float[Columns.padded(net.actionSize())];
        u = new float[net.actionSize()];
        invTau = 1f / net.tau();
        threshold = net.threshold();
        energy = new EnergyMeter(net.annEquivalentMacs());
        energy.layers(PopSanFloat.numberedLayers(null, gate.length));
    }

    @Override
    public String name() {
        return name;
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
        float[] x = normalized;
        for (int l = 0; l < gate.length; l++) {
            int width = h[l].length;
            if (l == 0) {
                gate[l].projectReal(x, gatePre);
                input[l].projectReal(x, inputPre);
                energy.addMacs(2L * gate[l].in * width);
            } else {
                int active = gate[l].project(x, gatePre);
                input[l].project(x, inputPre);
                energy.addSynOps(2L * active * width);
            }
            // Gates and the LIF update are element-wise real-valued work: one MAC each.
            energy.addMacs(3L * width);
            energy.addSpikes(l, update(l, width));
            x = s[l];
        }
        int active = readout.project(x, z);
        energy.addSynOps((long) active * readout.out);
        for (int j = 0; j < u.length; j++) {
            u[j] += (z[j] + readoutBias[j] - u[j]) * invTau;
            action[j] = range.squash(j, u[j]);
        }
    }

    /** F = sigmoid(.), C = ReLU(.), h = F h + (1 - F) C, v += (h - v) / tau, s = v >= th, v -= th s. */
    private int update(int l, int width) {
        float[] hl = h[l];
        float[] vl = v[l];
        float[] sl = s[l];
        float[] gb = gateBias[l];
        float[] ib = inputBias[l];
        int spikes = 0;
        for (int i = 0; i < width; i++) {
            float f = (float) (1.0 / (1.0 + Math.exp(-(gatePre[i] + gb[i]))));
            float c = Math.max(0f, inputPre[i] + ib[i]);
            float hi = f * hl[i] + (1f - f) * c;
            hl[i] = hi;
            float vi = vl[i] + (hi - vl[i]) * invTau;
            if (vi >= threshold) {
                sl[i] = 1f;
                vi -= threshold;
                spikes++;
            } else {
                sl[i] = 0f;
            }
            vl[i] = vi;
        }
        return spikes;
    }

    @Override
    public void reset() {
        for (int l = 0; l < h.length; l++) {
            java.util.Arrays.fill(h[l], 0f);
            java.util.Arrays.fill(v[l], 0f);
            java.util.Arrays.fill(s[l], 0f);
        }
        java.util.Arrays.fill(u, 0f);
    }

    @Override
    public EnergyMeter energy() {
        return energy;
    }
}
