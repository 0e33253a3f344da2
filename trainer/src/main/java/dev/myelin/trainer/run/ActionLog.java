package dev.myelin.trainer.run;

/**
 * Every action a run has sent to its environments, in order: with the run's seeds it rebuilds the
 * environments and the replay exactly on resume (the simulator is deterministic). Sized once for the
 * whole run; appending allocates nothing. One thread.
 */
public final class ActionLog {
    private final int width;
    private final float[] data;
    private int size;

    /** A log of {@code capacity} values, {@code width} per step. */
    public ActionLog(int width, int capacity) {
        this.width = width;
        data = new float[capacity];
    }

    /** The sizes of a log for {@code steps} steps of {@code width} values; refuses a run too long to log. */
    public static int capacity(long steps, int width) {
        long n = steps * width;
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("steps (" + steps + ") too many to log every action for exact resume");
        }
        return (int) n;
    }

    /** Appends one step's {@code width} values. */
    public void append(float[] u) {
        if (size + width > data.length) {
            throw new IllegalStateException("action log full: sized for " + data.length / width + " steps");
        }
        System.arraycopy(u, 0, data, size, width);
        size += width;
    }

    /**
     * Replays a saved log step by step: each step's values go into {@code u}, are appended here and are sent by
     * {@code advance}. This is how a resumed run rebuilds its environments and its replay exactly.
     */
    public void replay(float[] log, float[] u, Runnable advance) {
        for (int k = 0; k < log.length; k += width) {
            System.arraycopy(log, k, u, 0, width);
            append(u);
            advance.run();
        }
    }

    /** The values logged so far are {@code data()[0..size())}. */
    public float[] data() {
        return data;
    }

    public int size() {
        return size;
    }
}
