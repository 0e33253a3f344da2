package dev.myelin.policy.engine;

import dev.myelin.policy.model.PopSan;

import java.util.ArrayList;
import java.util.List;

/**
 * The spiking core of a PopSAN in the int8 engine's arithmetic: a chain of {@link Int8Synapses} and
 * {@link FixedLif} layers from the encoder's spikes to the output population's spikes, one
 * {@link #step} per timestep. The {@code int8} engine runs it between its fp32 encoder and decoder;
 * a neuromorphic board (or its emulator) loaded with the same {@link #layers()} computes the same bits.
 * Not thread-safe.
 */
public final class Int8Core {

    /** One layer as it is loaded onto a board: quantised synapses, Q12 biases and neuron parameters. */
    public record Layer(Int8Synapses synapses, int[] biasQ12, int currentDecay, int voltageDecay, int threshold) {
        public Layer {
            if (biasQ12.length != synapses.outputs()) {
                throw new IllegalArgumentException("layer has " + synapses.outputs() + " neurons but "
                        + biasQ12.length + " biases");
            }
            biasQ12 = biasQ12.clone();
        }

        @Override
        public int[] biasQ12() {
            return biasQ12.clone();
        }
    }

    private final List<Layer> layers;
    private final Int8Synapses[] synapses;
    private final int[][] biases;
    private final FixedLif[] neurons;
    private final int[] acc;
    private final int[] current;
    private long synOps;
    private long spikes;

    public Int8Core(List<Layer> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("an int8 core needs at least one layer");
        }
        this.layers = List.copyOf(layers);
        int n = layers.size();
        synapses = new Int8Synapses[n];
        biases = new int[n][];
        neurons = new FixedLif[n];
        int widest = 0;
        for (int l = 0; l < n; l++) {
            Layer layer = layers.get(l);
            if (l > 0 && layer.synapses().inputs() != layers.get(l - 1).synapses().outputs()) {
                throw new IllegalArgumentException("layer " + l + " takes " + layer.synapses().inputs()
                        + " inputs but layer " + (l - 1) + " has " + layers.get(l - 1).synapses().outputs() + " neurons");
            }
            synapses[l] = layer.synapses();
            biases[l] = layer.biasQ12();
            neurons[l] = new FixedLif(layer.synapses().outputs(), layer.currentDecay(), layer.voltageDecay(),
                    layer.threshold());
            widest = Math.max(widest, layer.synapses().outputs());
        }
        acc = new int[Columns.padded(widest)];
        current = new int[Columns.padded(widest)];
    }

    /** Quantises a PopSAN's spiking layers. */
    public static Int8Core of(PopSan net) {
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l < net.layerCount(); l++) {
            FixedLif p = new FixedLif(net.layerOutput(l), net.lif());
            layers.add(new Layer(Int8Synapses.quantize(net.tensor("layer" + l + ".weight")),
                    FixedLif.fixedBias(net.tensor("layer" + l + ".bias").data()), p.currentDecay(), p.voltageDecay(),
                    p.threshold()));
        }
        return new Int8Core(layers);
    }

    public List<Layer> layers() {
        return layers;
    }

    public int inputSize() {
        return synapses[0].inputs();
    }

    public int outputSize() {
        return synapses[synapses.length - 1].outputs();
    }

    /** Zeroes every neuron and the counters (start of a decision). */
    public void reset() {
        for (FixedLif f : neurons) {
            f.clear();
        }
        synOps = 0;
        spikes = 0;
    }

    /**
     * One timestep: {@code inputSpikes} (0/1, {@link #inputSize()} values) through every layer.
     * Returns the output population's spikes (a live view, valid until the next step).
     */
    public int[] step(int[] inputSpikes) {
        int[] x = inputSpikes;
        for (int l = 0; l < synapses.length; l++) {
            Int8Synapses syn = synapses[l];
            int active = syn.accumulateCounts(x, acc);
            syn.toFixed(acc, current);
            synOps += (long) active * syn.out;
            spikes += neurons[l].step(current, biases[l]);
            x = neurons[l].spikes();
        }
        return x;
    }

    /** SynOps since {@link #reset()}. */
    public long synOps() {
        return synOps;
    }

    /** Spikes of all layers since {@link #reset()}. */
    public long spikes() {
        return spikes;
    }
}
