package dev.myelin.policy.engine;

/**
 * The spikes of one population in one timestep, in two forms kept in step by their writer: a dense
 * 0/1 vector (what the {@code dense} engine multiplies) and the ascending list of neurons that fired
 * (what the {@code event} engine visits).
 */
final class Spikes {
    /** Room past the logical size that vectorised list building may write into. */
    static final int SLACK = 16;
    final float[] dense;
    final int[] fired;
    int count;

    Spikes(int size) {
        dense = new float[size];
        fired = new int[size + SLACK];
    }

    void clear() {
        java.util.Arrays.fill(dense, 0f);
        count = 0;
    }
}
