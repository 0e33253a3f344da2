package dev.myelin.controller.loop;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Timing and counters of the control loop. The loop thread records into wait-free
 * {@link SingleWriterRecorder}s (no allocation, no lock); a reader thread calls {@link #harvest}
 * to move the latest interval into the cumulative histograms it then reads. Values in nanoseconds.
 */
public final class LoopMetrics {
    /** Longest value tracked: one second (a longer stall is recorded as one second). */
    public static final long MAX_TRACKED_NANOS = 1_000_000_000L;

    private final SingleWriterRecorder jitter = new SingleWriterRecorder(1, MAX_TRACKED_NANOS, 3);
    private final SingleWriterRecorder inputToOutput = new SingleWriterRecorder(1, MAX_TRACKED_NANOS, 3);
    private final SingleWriterRecorder inference = new SingleWriterRecorder(1, MAX_TRACKED_NANOS, 3);
    private final SingleWriterRecorder outputWrite = new SingleWriterRecorder(1, MAX_TRACKED_NANOS, 3);
    private final SingleWriterRecorder handoff = new SingleWriterRecorder(1, MAX_TRACKED_NANOS, 3);

    // reader side (harvest thread)
    private Histogram jitterInterval;
    private Histogram ioInterval;
    private Histogram inferenceInterval;
    private Histogram writeInterval;
    private Histogram handoffInterval;
    private final Histogram jitterTotal = new Histogram(1, MAX_TRACKED_NANOS, 3);
    private final Histogram ioTotal = new Histogram(1, MAX_TRACKED_NANOS, 3);
    private final Histogram inferenceTotal = new Histogram(1, MAX_TRACKED_NANOS, 3);
    private final Histogram writeTotal = new Histogram(1, MAX_TRACKED_NANOS, 3);
    private final Histogram handoffTotal = new Histogram(1, MAX_TRACKED_NANOS, 3);

    private volatile long ticks;
    private volatile long deadlineMisses;
    private volatile long missedDuringSwaps;
    private volatile long decisions;
    private volatile double energyPicojoulesTotal;
    private volatile double lastEnergyPicojoules;

    /** Lateness of a tick's wake-up against its release time. Loop thread. */
    public void recordJitter(long nanos) {
        jitter.recordValue(clip(nanos));
    }

    /** Inputs read to outputs written, inside the process. Loop thread. */
    public void recordInputToOutput(long nanos) {
        inputToOutput.recordValue(clip(nanos));
    }

    /** Inputs read to the command ready for DDS (input-to-output without the write call). Loop thread. */
    public void recordInputToHandoff(long nanos) {
        handoff.recordValue(clip(nanos));
    }

    /** Time spent handing the tick's output messages to DDS ({@code dds_write}, part of input-to-output). Loop thread. */
    public void recordOutputWrite(long nanos) {
        outputWrite.recordValue(clip(nanos));
    }

    /** One decision's inference time and energy estimate. Loop thread. */
    public void recordDecision(long nanos, double picojoules) {
        inference.recordValue(clip(nanos));
        decisions = decisions + 1;
        lastEnergyPicojoules = picojoules;
        energyPicojoulesTotal = energyPicojoulesTotal + picojoules;
    }

    /** One tick ran. Loop thread. */
    public void countTick() {
        ticks = ticks + 1;
    }

    /** {@code n} whole periods were skipped after an overrun; {@code duringSwap} when the overrunning tick swapped policies. Loop thread. */
    public void countMisses(long n, boolean duringSwap) {
        deadlineMisses = deadlineMisses + n;
        if (duringSwap) {
            missedDuringSwaps = missedDuringSwaps + n;
        }
    }

    private static long clip(long nanos) {
        return nanos < 0 ? 0 : Math.min(nanos, MAX_TRACKED_NANOS);
    }

    /** Moves everything recorded since the last harvest into the cumulative histograms. One reader thread at a time. */
    public synchronized void harvest() {
        jitterInterval = jitter.getIntervalHistogram(jitterInterval);
        ioInterval = inputToOutput.getIntervalHistogram(ioInterval);
        inferenceInterval = inference.getIntervalHistogram(inferenceInterval);
        jitterTotal.add(jitterInterval);
        ioTotal.add(ioInterval);
        inferenceTotal.add(inferenceInterval);
        writeInterval = outputWrite.getIntervalHistogram(writeInterval);
        writeTotal.add(writeInterval);
        handoffInterval = handoff.getIntervalHistogram(handoffInterval);
        handoffTotal.add(handoffInterval);
    }

    /** A copy of the cumulative input-to-handoff histogram (ns). */
    public synchronized Histogram inputToHandoff() {
        return handoffTotal.copy();
    }

    /** A copy of the cumulative output-write histogram (ns). */
    public synchronized Histogram outputWrite() {
        return writeTotal.copy();
    }

    /** A copy of the cumulative period-jitter histogram (ns) as of the last harvest. */
    public synchronized Histogram jitter() {
        return jitterTotal.copy();
    }

    /** A copy of the cumulative input-to-output histogram (ns). */
    public synchronized Histogram inputToOutput() {
        return ioTotal.copy();
    }

    /** A copy of the cumulative inference-time histogram (ns). */
    public synchronized Histogram inference() {
        return inferenceTotal.copy();
    }

    public long ticks() {
        return ticks;
    }

    public long deadlineMisses() {
        return deadlineMisses;
    }

    public long missedDuringSwaps() {
        return missedDuringSwaps;
    }

    public long decisions() {
        return decisions;
    }

    /** Energy estimate of the last decision, picojoules. */
    public double lastEnergyPicojoules() {
        return lastEnergyPicojoules;
    }

    /** Energy estimate summed over every decision so far, picojoules. */
    public double energyPicojoules() {
        return energyPicojoulesTotal;
    }

    /** Mean energy estimate per decision so far, picojoules. */
    public double meanEnergyPicojoules() {
        long d = decisions;
        return d == 0 ? 0 : energyPicojoulesTotal / d;
    }
}
