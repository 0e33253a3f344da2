package dev.myelin.controller;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An A/B comparison of the loop's timing, with and without something attached to the controller's process
 * (a recorder, a live view), that a shared, noisy machine cannot fake: windows of equal length alternate in
 * the order A B B A A B B A … so that a drift of the machine's load over the run weighs on both sides alike,
 * and each side is summarized by the median of its windows' percentiles, which one window with a burst of
 * load from elsewhere does not move. Measuring a window and attaching are the caller's; this class
 * orders them and computes the figures.
 */
public final class PairedWindows {
    /** Measures one window and returns the controller's status difference over it. */
    @FunctionalInterface
    public interface Window {
        ControllerStatus measure() throws Exception;
    }

    /** Attaches what the B windows have; closing it detaches it. */
    @FunctionalInterface
    public interface Attach {
        AutoCloseable attach() throws Exception;
    }

    /** The figures of one window: p99s in µs, deadline misses, ticks. */
    public record Figures(boolean attached, double jitterP99Us, double inputToOutputP99Us, double handoffP99Us,
                          double writeP99Us, double writeP50Us, long deadlineMisses, long ticks) {
        static Figures of(boolean attached, ControllerStatus s) {
            return new Figures(attached, us(s.jitter(), 99), us(s.inputToOutput(), 99), us(s.inputToHandoff(), 99),
                    us(s.outputWrite(), 99), us(s.outputWrite(), 50), s.deadlineMisses(), s.ticks());
        }

        private static double us(Histogram h, double percentile) {
            return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e3;
        }
    }

    /** Every window in the order run, and the medians of each side. */
    public record Result(List<Figures> windows) {
        public Result {
            windows = List.copyOf(windows);
        }

        /** Windows per side. */
        public int pairs() {
            return windows.size() / 2;
        }

        public double medianJitterP99(boolean attached) {
            return median(attached, Figures::jitterP99Us);
        }

        public double medianInputToOutputP99(boolean attached) {
            return median(attached, Figures::inputToOutputP99Us);
        }

        public double medianHandoffP99(boolean attached) {
            return median(attached, Figures::handoffP99Us);
        }

        public double medianWriteP99(boolean attached) {
            return median(attached, Figures::writeP99Us);
        }

        public double medianWriteP50(boolean attached) {
            return median(attached, Figures::writeP50Us);
        }

        public double medianDeadlineMisses(boolean attached) {
            return median(attached, f -> f.deadlineMisses());
        }

        /** Median jitter p99 with, over without. */
        public double jitterRatio() {
            return medianJitterP99(true) / medianJitterP99(false);
        }

        /** Median input-to-output p99 with, over without. */
        public double inputToOutputRatio() {
            return medianInputToOutputP99(true) / medianInputToOutputP99(false);
        }

        private double median(boolean attached, java.util.function.ToDoubleFunction<Figures> f) {
            return PairedWindows.median(windows.stream().filter(w -> w.attached() == attached).mapToDouble(f).toArray());
        }

        /** One line per window. */
        public String table() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  %-3s %-9s %12s %12s %12s %12s %12s %7s%n",
                    "#", "side", "jitter p99", "in-out p99", "hand-off p99", "write p99", "write p50", "misses"));
            for (int i = 0; i < windows.size(); i++) {
                Figures w = windows.get(i);
                b.append(String.format(Locale.ROOT, "  %-3d %-9s %12.2f %12.2f %12.2f %12.2f %12.2f %7d%n", i + 1,
                        w.attached() ? "attached" : "without", w.jitterP99Us(), w.inputToOutputP99Us(), w.handoffP99Us(),
                        w.writeP99Us(), w.writeP50Us(), w.deadlineMisses()));
            }
            return b.toString();
        }
    }

    private PairedWindows() {
    }

    /** The side of window {@code i} (from 0) in the order A B B A A B B A …: true for B (attached). */
    public static boolean attachedAt(int i) {
        return ((i + 1) / 2) % 2 == 1;
    }

    /**
     * Runs {@code 2 * pairs} windows, attaching before each B window and closing the attachment after it.
     *
     * @param progress called after each window with its index (from 0) and figures (may be null)
     */
    public static Result run(int pairs, Window window, Attach attach, java.util.function.ObjIntConsumer<Figures> progress)
            throws Exception {
        if (pairs < 1) {
            throw new IllegalArgumentException("pairs must be >= 1, got " + pairs);
        }
        List<Figures> figures = new ArrayList<>();
        for (int i = 0; i < 2 * pairs; i++) {
            boolean attached = attachedAt(i);
            Figures f;
            if (attached) {
                try (AutoCloseable a = attach.attach()) {
                    f = Figures.of(true, window.measure());
                }
            } else {
                f = Figures.of(false, window.measure());
            }
            figures.add(f);
            if (progress != null) {
                progress.accept(f, i);
            }
        }
        return new Result(figures);
    }

    /** The median of {@code values} (NaN for none); the mean of the middle two for an even count. */
    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
