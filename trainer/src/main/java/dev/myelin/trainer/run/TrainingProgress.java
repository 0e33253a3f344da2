package dev.myelin.trainer.run;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The training progress line for people (the {@code progressbar} library): bar, percent, steps, steps/s,
 * ETA and the latest training and evaluation returns. On a terminal the line is redrawn in place four
 * times a second; otherwise (logs, CI) a line is printed every {@code plainIntervalSeconds}. Rank 0's
 * training thread; the library redraws from a thread of its own.
 */
public final class TrainingProgress implements AutoCloseable {
    /** Characters of a logged (non-terminal) line: wide enough for the bar and both returns. */
    private static final int LINE_WIDTH = 130;
    private final ProgressBar bar;

    public TrainingProgress(PrintStream out, long total, long startStep, boolean terminal, double plainIntervalSeconds) {
        bar = new ProgressBarBuilder()
                .setTaskName("train")
                .setInitialMax(total)
                .startsFrom(startStep, Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" steps", 1)
                .showSpeed()
                .setUpdateIntervalMillis(terminal ? 250 : (int) Math.round(plainIntervalSeconds * 1000))
                .setConsumer(terminal ? new ConsoleProgressBarConsumer(out) : new DelegatingProgressBarConsumer(out::println, LINE_WIDTH))
                .build();
        bar.setExtraMessage(returns(Double.NaN, Double.NaN));
    }

    /** Moves the bar to {@code step} with the latest returns (NaN: none yet). */
    public void update(long step, double trainReturn, double evalReturn) {
        bar.setExtraMessage(returns(trainReturn, evalReturn));
        bar.stepTo(step);
    }

    static String returns(double trainReturn, double evalReturn) {
        return " return " + fmt(trainReturn) + "  eval " + fmt(evalReturn);
    }

    private static String fmt(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.1f", x);
    }

    /** Draws the final state and ends the line. */
    @Override
    public void close() {
        bar.close();
    }
}
