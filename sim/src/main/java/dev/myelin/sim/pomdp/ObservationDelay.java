package dev.myelin.sim.pomdp;

import dev.myelin.sim.BoxSpace;

/**
 * The agent sees the observation from k steps ago. At the start of an episode the delay line is
 * filled with the first observation (the sensor has reported nothing newer yet). One ring of k + 1
 * observations per agent, preallocated.
 */
final class ObservationDelay implements ObservationFilter {
    private final BoxSpace space;
    private final int size;
    private final int depth;
    private final float[] ring;
    private final int[] head;

    ObservationDelay(BoxSpace input, int agents, int steps) {
        if (steps < 0 || steps > 1000) {
            throw new IllegalArgumentException("observation delay must be in [0, 1000] steps, got " + steps);
        }
        this.space = input;
        this.size = input.size();
        this.depth = steps + 1;
        this.ring = new float[agents * depth * size];
        this.head = new int[agents];
    }

    @Override
    public BoxSpace space() {
        return space;
    }

    @Override
    public void seed(long seed) {
    }

    @Override
    public void start(int agent, float[] in, int inOffset, float[] out, int outOffset) {
        int base = agent * depth * size;
        for (int d = 0; d < depth; d++) {
            System.arraycopy(in, inOffset, ring, base + d * size, size);
        }
        head[agent] = 0;
        System.arraycopy(in, inOffset, out, outOffset, size);
    }

    @Override
    public void next(int agent, float[] in, int inOffset, float[] out, int outOffset) {
        int base = agent * depth * size;
        int h = head[agent] + 1 == depth ? 0 : head[agent] + 1;
        head[agent] = h;
        System.arraycopy(in, inOffset, ring, base + h * size, size);
        // The oldest entry is the one after the head: written depth - 1 = k steps ago.
        int oldest = h + 1 == depth ? 0 : h + 1;
        System.arraycopy(ring, base + oldest * size, out, outOffset, size);
    }
}
