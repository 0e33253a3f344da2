package dev.myelin.trainer.run;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress display for people: bar, percent, steps, steps/s, ETA and the latest returns.
 * On a terminal the line is redrawn in place at most four times a second; otherwise (logs, CI) a line is
 * printed every {@code plainIntervalSeconds}. Rank 0's training thread.
 */
public final class ProgressBar {
    private static final int WIDTH = 24;
    private final PrintStream out;
    private final boolean terminal;
    private final long total;
    private final long startStep;
    private final long startNanos;
    private final double plainIntervalSeconds;
    private long lastDraw;
    private boolean drawn;

    public ProgressBar(PrintStream out, long total, long startStep, boolean terminal, double plainIntervalSeconds) {
        this.out = out;
        this.total = total;
        this.startStep = startStep;
        this.terminal = terminal;
        this.plainIntervalSeconds = plainIntervalSeconds;
        this.startNanos = System.nanoTime();
        this.lastDraw = startNanos;
    }

    /** Redraws if enough time has passed (always when {@code force}). */
    public void update(long step, double trainReturn, double evalReturn, boolean force) {
        long now = System.nanoTime();
        double since = (now - lastDraw) * 1e-9;
        if (!force && since < (terminal ? 0.25 : plainIntervalSeconds)) {
            return;
        }
        lastDraw = now;
        out.print((terminal ? "\r" : "") + line(step, trainReturn, evalReturn, now) + (terminal ? "\u001b[K" : "\n"));
        out.flush();
        drawn = true;
    }

    String line(long step, double trainReturn, double evalReturn, long now) {
        double elapsed = (now - startNanos) * 1e-9;
        double rate = elapsed > 0 ? (step - startStep) / elapsed : 0;
        double frac = total > 0 ? Math.min(1.0, (double) step / total) : 1.0;
        int filled = (int) Math.round(frac * WIDTH);
        String eta = rate > 0 ? duration((total - step) / rate) : "--:--";
        return String.format(Locale.ROOT, "[%s%s] %3.0f%% %d/%d steps  %.0f steps/s  ETA %s  return %s  eval %s",
                "#".repeat(filled), ".".repeat(WIDTH - filled), frac * 100, step, total, rate, eta,
                fmt(trainReturn), fmt(evalReturn));
    }

    private static String fmt(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.1f", x);
    }

    static String duration(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** Ends the in-place line. */
    public void finish() {
        if (terminal && drawn) {
            out.println();
        }
    }
}
