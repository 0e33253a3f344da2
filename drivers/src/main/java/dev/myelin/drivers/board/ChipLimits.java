package dev.myelin.drivers.board;

/**
 * Resources of an emulated neuromorphic chip. Neurons of a layer are placed on cores in order; a core
 * holds at most {@code neuronsPerCore} neurons and {@code synapsesPerCore} non-zero input synapses.
 * Weights must fit in {@code weightBits} signed bits. Neuron state is 24-bit fixed point with 12-bit
 * decays, as on Loihi, and is not configurable: it is what makes the chip bit-identical to the int8 engine.
 *
 * <p>Defaults are Loihi-like: 128 cores of 1024 neurons, 64 Ki synapses per core, 8-bit weights.
 */
public record ChipLimits(int cores, int neuronsPerCore, int synapsesPerCore, int weightBits) {
    public static final ChipLimits LOIHI_LIKE = new ChipLimits(128, 1024, 64 * 1024, 8);
    /** Neuron state width (current and voltage), fixed. */
    public static final int STATE_BITS = 24;

    public ChipLimits {
        if (cores < 1 || cores > 65535) {
            throw new IllegalArgumentException("chip cores must be in [1, 65535], got " + cores);
        }
        if (neuronsPerCore < 1) {
            throw new IllegalArgumentException("neurons per core must be positive, got " + neuronsPerCore);
        }
        if (synapsesPerCore < 1) {
            throw new IllegalArgumentException("synapses per core must be positive, got " + synapsesPerCore);
        }
        if (weightBits < 2 || weightBits > 8) {
            throw new IllegalArgumentException("weight bits must be in [2, 8], got " + weightBits);
        }
    }

    /** Largest weight magnitude a {@code weightBits} signed weight holds (symmetric range). */
    public int maxWeight() {
        return (1 << (weightBits - 1)) - 1;
    }
}
