package dev.myelin.drivers.board;

import dev.myelin.policy.engine.Int8Core;
import dev.myelin.policy.engine.Int8Synapses;

import java.util.List;

/**
 * An emulated neuromorphic chip: a chain of fixed-point LIF layers mapped onto cores within
 * {@link ChipLimits}, computing exactly what the policy module's {@link Int8Core} computes (it runs
 * one). {@link #load} refuses a model that does not fit, with the reason, and keeps the previous one.
 * Not thread-safe: one board connection drives it.
 */
public final class NeuromorphicChip {

    /** What a loaded model occupies. */
    public record Usage(int cores, int neurons, long synapses, int inputs, int outputs) {
    }

    /** The chip refuses a model; {@code code} is {@link BoardProtocol#E_DOES_NOT_FIT} or {@link BoardProtocol#E_INVALID_MODEL}. */
    public static final class Refusal extends Exception {
        private final int code;

        Refusal(int code, String reason) {
            super(reason);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    private final ChipLimits limits;
    private Int8Core core;
    private Usage usage = new Usage(0, 0, 0, 0, 0);

    public NeuromorphicChip(ChipLimits limits) {
        this.limits = limits;
    }

    public ChipLimits limits() {
        return limits;
    }

    public boolean loaded() {
        return core != null;
    }

    public Usage usage() {
        return usage;
    }

    /** The loaded core, or null. */
    public Int8Core core() {
        return core;
    }

    /** Places the layers on cores; on success replaces the loaded model and zeroes its state. */
    public Usage load(List<Int8Core.Layer> layers) throws Refusal {
        if (layers.isEmpty()) {
            throw new Refusal(BoardProtocol.E_INVALID_MODEL, "the model has no layers");
        }
        int maxW = limits.maxWeight();
        int coresUsed = 0;
        int neurons = 0;
        long synapses = 0;
        for (int l = 0; l < layers.size(); l++) {
            Int8Core.Layer layer = layers.get(l);
            Int8Synapses syn = layer.synapses();
            if (l > 0 && syn.inputs() != layers.get(l - 1).synapses().outputs()) {
                throw new Refusal(BoardProtocol.E_INVALID_MODEL, "layer " + l + " takes " + syn.inputs()
                        + " inputs but layer " + (l - 1) + " has " + layers.get(l - 1).synapses().outputs() + " neurons");
            }
            // Greedy placement in neuron order: a new core when the neuron or synapse budget would overflow.
            int onCore = 0;
            long synOnCore = 0;
            int layerCores = 0;
            for (int i = 0; i < syn.outputs(); i++) {
                int fanIn = 0;
                for (int j = 0; j < syn.inputs(); j++) {
                    int w = syn.weight(i, j);
                    if (w != 0) {
                        fanIn++;
                        if (w > maxW || w < -maxW) {
                            throw new Refusal(BoardProtocol.E_DOES_NOT_FIT, "layer " + l + " weight [" + i + "][" + j
                                    + "] = " + w + " needs more than the chip's " + limits.weightBits() + " weight bits");
                        }
                    }
                }
                if (fanIn > limits.synapsesPerCore()) {
                    throw new Refusal(BoardProtocol.E_DOES_NOT_FIT, "layer " + l + " neuron " + i + " has " + fanIn
                            + " input synapses, more than the " + limits.synapsesPerCore() + " a core holds");
                }
                if (layerCores == 0 || onCore == limits.neuronsPerCore() || synOnCore + fanIn > limits.synapsesPerCore()) {
                    layerCores++;
                    onCore = 0;
                    synOnCore = 0;
                }
                onCore++;
                synOnCore += fanIn;
                synapses += fanIn;
            }
            coresUsed += layerCores;
            neurons += syn.outputs();
            if (coresUsed > limits.cores()) {
                throw new Refusal(BoardProtocol.E_DOES_NOT_FIT, "the model needs more than the chip's " + limits.cores()
                        + " cores (" + coresUsed + " by layer " + l + " at " + limits.neuronsPerCore()
                        + " neurons and " + limits.synapsesPerCore() + " synapses per core)");
            }
        }
        Int8Core next;
        try {
            next = new Int8Core(layers);
        } catch (IllegalArgumentException e) {
            throw new Refusal(BoardProtocol.E_INVALID_MODEL, e.getMessage());
        }
        core = next;
        usage = new Usage(coresUsed, neurons, synapses, next.inputSize(), next.outputSize());
        return usage;
    }

    public void reset() {
        if (core != null) {
            core.reset();
        }
    }
}
