package dev.myelin.sim.pomdp;

import dev.myelin.sim.BoxSpace;

/**
 * Keeps only the components of one {@link BoxSpace.Kind}: position-only drops velocities,
 * velocity-only drops positions (the POMDP variants of classic control and locomotion benchmarks).
 * The observation shrinks; names are kept. Stateless.
 */
final class ComponentSelection implements ObservationFilter {
    private final int[] keep;
    private final BoxSpace space;

    ComponentSelection(BoxSpace input, BoxSpace.Kind kind) {
        int n = 0;
        for (int i = 0; i < input.size(); i++) {
            if (input.kind(i) == kind) {
                n++;
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("observation " + input.names() + " has no " + kind
                    + " components to keep");
        }
        keep = new int[n];
        n = 0;
        for (int i = 0; i < input.size(); i++) {
            if (input.kind(i) == kind) {
                keep[n++] = i;
            }
        }
        space = input.select(keep);
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
        next(agent, in, inOffset, out, outOffset);
    }

    @Override
    public void next(int agent, float[] in, int inOffset, float[] out, int outOffset) {
        for (int i = 0; i < keep.length; i++) {
            out[outOffset + i] = in[inOffset + keep[i]];
        }
    }
}
