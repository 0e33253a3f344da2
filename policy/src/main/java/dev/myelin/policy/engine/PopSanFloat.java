package dev.myelin.policy.engine;

import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;

/**
 * PopSAN in fp32: the {@code dense} reference and the {@code event} engine, which differ only in how
 * synapses are accumulated ({@link FloatSynapses}) and therefore produce identical spikes and actions.
 */
final class PopSanFloat implements InferenceEngine {
    private final String name;
    private final Policy policy;
    private final PopSan net;
    private final Observations observations;
    private final PopulationCoding.Encoder encoder;
    private final PopulationCoding.Decoder decoder;
    private final FloatSynapses[] synapses;
    private final float[][] biases;
    private final FloatLif[] layers;
    private final float[] normalized;
    private final Spikes encoderSpikes;
    private final float[] current;
    private final float[] counts;
    private final EnergyMeter energy;

    PopSanFloat(Policy policy, boolean eventDriven, long seed) {
        this.name = eventDriven ? "event" : "dense";
        this.policy = policy;
        this.net = (PopSan) policy.network();
        observations = new Observations(policy.normalizer());
        encoder = new PopulationCoding.Encoder(net, seed);
        decoder = new PopulationCoding.Decoder(net.tensor("decoder.weight"), net.tensor("decoder.bias"), policy.actions());
        int n = net.layerCount();
        synapses = new FloatSynapses[n];
        biases = new float[n][];
        layers = new FloatLif[n];
        int widest = 0;
        for (int l = 0; l < n; l++) {
            synapses[l] = new FloatSynapses(net.tensor("layer" + l + ".weight"), eventDriven);
            biases[l] = net.tensor("layer" + l + ".bias").data().clone();
            layers[l] = new FloatLif(net.layerOutput(l), net.lif());
            widest = Math.max(widest, net.layerOutput(l));
        }
        normalized = new float[net.observationSize()];
        encoderSpikes = new Spikes(encoder.size);
        current = new float[Columns.padded(widest)];
        counts = new float[net.layerOutput(n - 1)];
        energy = new EnergyMeter(net.annEquivalentMacs());
        energy.layers(numberedLayers("encoder", layers.length));
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
        energy.addMacs(encoder.begin(normalized));
        for (FloatLif layer : layers) {
            layer.clear();
        }
        java.util.Arrays.fill(counts, 0f);
        final int last = layers.length - 1;
        for (int t = 0; t < net.timesteps(); t++) {
            int spikes = encoder.step(encoderSpikes);
            energy.addSpikes(0, spikes);
            Spikes input = encoderSpikes;
            for (int l = 0; l <= last; l++) {
                FloatSynapses syn = synapses[l];
                int active = syn.project(input, current);
                energy.addSynOps((long) active * syn.out);
                int fired = layers[l].step(current, biases[l]);
                energy.addSpikes(l + 1, fired);
                input = layers[l].out;
            }
            float[] out = layers[last].s;
            for (int i = 0; i < counts.length; i++) {
                counts[i] += out[i];
            }
        }
        energy.addMacs(decoder.decode(counts, net.timesteps(), action));
    }

    @Override
    public void reset() {
        encoder.resetRandom();
    }

    @Override
    public EnergyMeter energy() {
        return energy;
    }

    /** {@code first} (if not null) then {@code layer1 .. layerN}. */
    static String[] numberedLayers(String first, int n) {
        int off = first == null ? 0 : 1;
        String[] names = new String[n + off];
        if (first != null) {
            names[0] = first;
        }
        for (int i = 0; i < n; i++) {
            names[i + off] = "layer" + (i + 1);
        }
        return names;
    }
}
