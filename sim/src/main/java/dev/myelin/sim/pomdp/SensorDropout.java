package dev.myelin.sim.pomdp;

import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.random.SplitMix;

/**
 * Each step, each component independently reads 0 with probability p (a sensor that failed to
 * report), the "random sensor missing" POMDP. One SplitMix64 stream per agent, reseeded on
 * {@link #seed(long)}, so results are reproducible.
 */
final class SensorDropout implements ObservationFilter {
    private final BoxSpace space;
    private final float probability;
    private final long[] random;

    SensorDropout(BoxSpace input, int agents, double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + probability);
        }
        this.space = input;
        this.probability = (float) probability;
        this.random = new long[agents];
        seed(0);
    }

    @Override
    public BoxSpace space() {
        return space;
    }

    @Override
    public void seed(long seed) {
        for (int a = 0; a < random.length; a++) {
            random[a] = SplitMix.stream(seed ^ 0x5EED_D20FL, a);
        }
    }

    @Override
    public void start(int agent, float[] in, int inOffset, float[] out, int outOffset) {
        next(agent, in, inOffset, out, outOffset);
    }

    @Override
    public void next(int agent, float[] in, int inOffset, float[] out, int outOffset) {
        long s = random[agent];
        int n = space.size();
        for (int i = 0; i < n; i++) {
            s += SplitMix.GAMMA;
            out[outOffset + i] = SplitMix.toFloat(SplitMix.mix(s)) < probability ? 0f : in[inOffset + i];
        }
        random[agent] = s;
    }
}
