package dev.myelin.trainer.rl;

import dev.myelin.policy.model.Normalizer;
import dev.myelin.trainer.mpi.Communicator;

import java.util.Arrays;

/**
 * PopSAN's running observation normalisation: running mean and variance of every observation element,
 * {@code o' = clamp((o - mean) / sqrt(var + 1e-8), -clip, clip)}. Observations are counted as they
 * arrive ({@link #observe}) and merged into the statistics at {@link #sync} with Chan et al.'s parallel
 * update, after summing the new counts over all ranks, so every rank normalises identically. Statistics
 * are kept in double; normalisation uses their fp32 values exactly as the policy module's
 * {@link Normalizer} does, so the exported policy normalises bit for bit as training did. Before the first
 * sync the statistics are the identity. Allocation-free after construction; the training thread.
 */
public final class RunningNormalizer {
    private final int size;
    private final float clip;
    private final boolean enabled;
    private double count;
    private final double[] mean;
    private final double[] m2;
    /** Pending since the last sync: [n, sum_0..sum_{size-1}, sumsq_0..]. */
    private final double[] pending;
    private final float[] meanF;
    private final float[] varF;
    private final float[] invStd;

    public RunningNormalizer(int size, float clip, boolean enabled) {
        if (!(clip > 0f) || !Float.isFinite(clip)) {
            throw new IllegalArgumentException("observation clip must be positive and finite, got " + clip);
        }
        this.size = size;
        this.clip = clip;
        this.enabled = enabled;
        mean = new double[size];
        m2 = new double[size];
        pending = new double[1 + 2 * size];
        meanF = new float[size];
        varF = new float[size];
        invStd = new float[size];
        refresh();
    }

    public int size() {
        return size;
    }

    /** Counts one raw observation {@code o[off..off+size)} towards the next sync. */
    public void observe(float[] o, int off) {
        if (!enabled) {
            return;
        }
        pending[0] += 1;
        for (int i = 0; i < size; i++) {
            double x = o[off + i];
            pending[1 + i] += x;
            pending[1 + size + i] += x * x;
        }
    }

    /** Sums pending counts over ranks and merges them into the statistics (a collective). */
    public void sync(Communicator comm) {
        if (!enabled) {
            return;
        }
        comm.sum(pending, pending.length);
        double n = pending[0];
        if (n > 0) {
            double total = count + n;
            for (int i = 0; i < size; i++) {
                double bm = pending[1 + i] / n;
                double bm2 = Math.max(0.0, pending[1 + size + i] - n * bm * bm);
                double delta = bm - mean[i];
                mean[i] += delta * n / total;
                m2[i] += bm2 + delta * delta * count * n / total;
            }
            count = total;
            refresh();
        }
        Arrays.fill(pending, 0.0);
    }

    private void refresh() {
        for (int i = 0; i < size; i++) {
            meanF[i] = count > 0 ? (float) mean[i] : 0f;
            varF[i] = count > 1 ? (float) (m2[i] / count) : 1f;
            // exactly Normalizer.inverseStd(): float var + float eps, then 1 / sqrt in double
            invStd[i] = (float) (1.0 / Math.sqrt(varF[i] + Normalizer.EPSILON));
        }
    }

    /** {@code out[outOff..] = normalise(raw[off..])}. */
    public void normalize(float[] raw, int off, float[] out, int outOff) {
        for (int i = 0; i < size; i++) {
            float x = (raw[off + i] - meanF[i]) * invStd[i];
            out[outOff + i] = Math.max(-clip, Math.min(clip, x));
        }
    }

    /** The current statistics as the policy module's normaliser (what a bundle carries). */
    public Normalizer toNormalizer() {
        return new Normalizer(meanF, varF, clip);
    }

    /** Observations merged so far (over all ranks). */
    public double count() {
        return count;
    }

    /** Whether observations are pending a sync. */
    public boolean hasPending() {
        return pending[0] > 0;
    }

    /** State for checkpoints: count, means, M2s. */
    public double[] state() {
        double[] s = new double[1 + 2 * size];
        s[0] = count;
        System.arraycopy(mean, 0, s, 1, size);
        System.arraycopy(m2, 0, s, 1 + size, size);
        return s;
    }

    public void restore(double[] s) {
        if (s.length != 1 + 2 * size) {
            throw new IllegalArgumentException("normalizer state has " + s.length + " values, expected " + (1 + 2 * size));
        }
        count = s[0];
        System.arraycopy(s, 1, mean, 0, size);
        System.arraycopy(s, 1 + size, m2, 0, size);
        Arrays.fill(pending, 0.0);
        refresh();
    }
}
