package dev.myelin.policy.engine;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Branch-free compaction of spike masks: for an 8-bit mask, the positions of its set bits as the first
 * {@code bitCount(mask)} lanes of an eight-lane int vector (the remaining lanes are 0). The edge
 * engines use it to list the neurons that fired, the trainer to index spike matrices; one table serves
 * both. Stateless; any thread. Needs the {@code jdk.incubator.vector} module.
 */
public final class SpikeMasks {
    /** Eight int lanes: one lane per bit of a mask byte. */
    public static final VectorSpecies<Integer> LANES = IntVector.SPECIES_256;
    /** For every 8-bit mask, the positions of its set bits, padded to 8 entries. */
    private static final int[] POSITIONS = new int[256 * 8];

    static {
        for (int m = 0; m < 256; m++) {
            int k = 0;
            for (int b = 0; b < 8; b++) {
                if ((m & (1 << b)) != 0) {
                    POSITIONS[m * 8 + k++] = b;
                }
            }
        }
    }

    private SpikeMasks() {
    }

    /** The set bits of {@code mask} (0..255) in ascending order, each plus {@code base}, in the first lanes. */
    public static IntVector positions(int mask, int base) {
        return IntVector.fromArray(LANES, POSITIONS, mask * 8).add(base);
    }
}
