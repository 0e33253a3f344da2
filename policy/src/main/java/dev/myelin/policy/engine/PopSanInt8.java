package dev.myelin.policy.engine;

import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;

/**
 * PopSAN on int8 weights with fixed-point neuron state ({@link Int8Core}); the population encoder
 * and decoder stay in fp32 ({@link PopulationCodec}), as in PopSAN's Loihi deployment where they run
 * off-chip.
 */
final class PopSanInt8 implements InferenceEngine {
    private final Policy policy;
    private final PopulationCodec codec;
    private final Int8Core core;
    private final int[] input;
    private final int[] counts;
    private final EnergyMeter energy;

    PopSanInt8(Policy policy, long seed) {
        this.policy = policy;
        PopSan net = (PopSan) policy.network();
        codec = new PopulationCodec(policy, seed);
        core = Int8Core.of(net);
        input = new int[codec.inputSize()];
        counts = new int[codec.outputSize()];
        energy = new EnergyMeter(net.annEquivalentMacs());
        energy.layers("encoder", "core");
    }

    @Override
    public String name() {
        return "int8";
    }

    @Override
    public Policy policy() {
        return policy;
    }

    /** The quantised spiking core (what a board is loaded with). */
    Int8Core core() {
        return core;
    }

    @Override
    public void act(float[] observation, float[] action) {
        codec.begin(observation);
        energy.clear();
        core.reset();
        java.util.Arrays.fill(counts, 0);
        for (int t = 0; t < codec.timesteps(); t++) {
            energy.addSpikes(0, codec.step(input));
            int[] out = core.step(input);
            for (int i = 0; i < counts.length; i++) {
                counts[i] += out[i];
            }
        }
        codec.decode(counts, action);
        energy.addMacs(codec.macs());
        energy.addSynOps(core.synOps());
        energy.addSpikes(1, core.spikes());
    }

    @Override
    public void reset() {
        codec.reset();
    }

    @Override
    public EnergyMeter energy() {
        return energy;
    }
}
