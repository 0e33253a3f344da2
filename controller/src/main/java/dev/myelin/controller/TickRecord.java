package dev.myelin.controller;

import dev.myelin.controller.safety.Intervention;

/**
 * What one control tick saw and did, handed to a {@link TickListener} after the tick. One instance
 * per controller, overwritten every tick: read it during the call, copy what is kept.
 */
public final class TickRecord {
    long tick;
    long startNanos;
    long inferenceNanos;
    boolean policyRan;
    boolean decided;
    boolean engineReset;
    Intervention cause;
    long spikes;
    long synOps;
    double energyPicojoules;
    String policyDigest;
    final float[] observation;
    final float[] action;
    final float[] proposal;
    final float[] command;
    /** Spikes per layer of the last decision; capacity {@link #MAX_LAYERS}. */
    final long[] layerSpikes = new long[MAX_LAYERS];
    int layerCount;

    /** Most layers whose spikes are reported one by one. */
    public static final int MAX_LAYERS = 32;

    TickRecord(int observationSize, int policyActionSize, int outputSize) {
        observation = new float[observationSize];
        action = new float[policyActionSize];
        proposal = new float[outputSize];
        command = new float[outputSize];
    }

    /** The tick number. */
    public long tick() {
        return tick;
    }

    /** When the tick started reading its inputs, on the {@link System#nanoTime()} clock. */
    public long startNanos() {
        return startNanos;
    }

    /** The observation vector read this tick, in the bundle's order. */
    public float[] observation() {
        return observation;
    }

    /** Whether the policy was run this tick ({@link #proposal()} and the counts below are then this tick's). */
    public boolean policyRan() {
        return policyRan;
    }

    /** Whether the policy's command (possibly clamped or rate-limited) is what went out. */
    public boolean decided() {
        return decided;
    }

    /** The policy's action vector as the engine returned it, in the bundle's action order (zeros when it did not run). */
    public float[] action() {
        return action;
    }

    /**
     * Whether the policy's recurrent state started afresh this tick: a new policy was installed, an
     * episode ended, or inputs came back after going stale.
     */
    public boolean engineReset() {
        return engineReset;
    }

    /** The policy's action before the safety gate, in the output order (zeros when it did not run). */
    public float[] proposal() {
        return proposal;
    }

    /** The command written to the outputs, after the safety gate, in the output order. */
    public float[] command() {
        return command;
    }

    /**
     * Why the gate held, changed or replaced the command this tick, or null when it passed it
     * unchanged (or held it only because the controller is inactive). A clamp and a rate limit on one
     * tick report {@link Intervention#CLAMP}.
     */
    public Intervention cause() {
        return cause;
    }

    /** Spikes of the last decision, over all spiking layers. */
    public long spikes() {
        return spikes;
    }

    /** Spiking layers of the active engine counted one by one ({@link #layerSpikes()} holds that many). */
    public int layerCount() {
        return layerCount;
    }

    /** Spikes per layer of the last decision, the first {@link #layerCount()} entries valid, in the engine's layer order. */
    public long[] layerSpikes() {
        return layerSpikes;
    }

    /** Synaptic operations of the last decision. */
    public long synOps() {
        return synOps;
    }

    /** Estimated energy of the last decision, picojoules. */
    public double energyPicojoules() {
        return energyPicojoules;
    }

    /** Inference time of this tick's decision in nanoseconds (0 when the policy did not run). */
    public long inferenceNanos() {
        return inferenceNanos;
    }

    /** SHA-256 digest (hex) of the active policy bundle, or null when none is installed. */
    public String policyDigest() {
        return policyDigest;
    }
}
