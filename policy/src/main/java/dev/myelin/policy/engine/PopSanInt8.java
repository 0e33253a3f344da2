package dev.myelin.policy.engine;

import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;

/**
 * PopSAN on int8 weights with fixed-point neuron state ({@link FixedPoint}, {@link FixedLif}); the
 * population encoder and decoder stay in fp32 (as in PopSAN's Loihi deployment, they run off-chip).
 */
final class PopSanInt8 implements InferenceEngine {
    private final Policy policy;
    private final PopSan net;
    private final Observations observations;
    private final PopulationCoding.Encoder encoder;
    private final PopulationCoding.Decoder decoder;
    private final Int8Synapses[] synapses;
    private final int[][] biases;
    private final FixedLif[] layers;
    private final float[] normalized;
    private final Spikes encoderSpikes;
    private final int[] encoderInput;
    private final int[] acc;
    private final int[] current;
    private final float[] counts;
    private final EnergyMeter energy;

    PopSanInt8(Policy policy, long seed) {
        this.policy = policy;
        net = (PopSan) policy.network();
        observations = new Observations(policy.normalizer());
        encoder = new PopulationCoding.Encoder(net, seed);
        decoder = new PopulationCoding.Decoder(net.tensor("decoder.weight"), net.tensor("decoder.bias"), policy.actions());
        int n = net.layerCount();
        synapses = new Int8Synapses[n];
        biases = new int[n][];
        layers = new FixedLif[n];
        int widest = 0;
        for (int l = 0; l < n; l++) {
            synapses[l] = new Int8Synapses(net.tensor("layer" + l + ".weight"));
            biases[l] = FixedLif.fixedBias(net.tensor("layer" + l + ".bias").data());
            layers[l] = new FixedLif(net.layerOutput(l), net.lif());
            widest = Math.max(widest, net.layerOutput(l));
        }
        normalized = new float[net.observationSize()];
        encoderSpikes = new Spikes(encoder.size);
        encoderInput = new int[encoder.size];
        acc = new int[Columns.padded(widest)];
        current = new int[widest];
        counts = new float[net.layerOutput(n - 1)];
        energy = new EnergyMeter(net.annEquivalentMacs());
    }

    @Override
    public String name() {
        return "int8";
    }

    @Override
    public Policy policy() {
        return policy;
    }

    /** The synapses of spiking layer l (the board emulator loads the same quantisation). */
    Int8Synapses synapses(int l) {
        return synapses[l];
    }

    @Override
    public void act(float[] observation, float[] action) {
        observations.check(observation);
        energy.clear();
        observations.normalize(observation, normalized);
        energy.addMacs(encoder.begin(normalized));
        for (FixedLif layer : layers) {
            layer.clear();
        }
        java.util.Arrays.fill(counts, 0f);
        final int last = layers.length - 1;
        for (int t = 0; t < net.timesteps(); t++) {
            energy.addSpikes(encoder.step(encoderSpikes));
            for (int k = 0; k < encoderInput.length; k++) {
                encoderInput[k] = (int) encoderSpikes.dense[k];
            }
            int[] input = encoderInput;
            for (int l = 0; l <= last; l++) {
                Int8Synapses syn = synapses[l];
                int active = syn.accumulateCounts(input, acc);
                syn.toFixed(acc, current);
                energy.addSynOps((long) active * syn.out);
                energy.addSpikes(layers[l].step(current, biases[l]));
                input = layers[l].s;
            }
            int[] out = layers[last].s;
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
}
