package dev.myelin.trainer.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The run's {@code metrics.csv}: one row per evaluation, flushed as written. On resume, rows after the
 * checkpoint's step are dropped so the file continues exactly where the checkpoint left it. Rank 0 only.
 */
public final class MetricsLog implements AutoCloseable {
    public static final List<String> COLUMNS = List.of("step", "total_steps", "updates", "wall_s", "steps_per_s",
            "train_return", "episodes", "eval_return", "eval_return_std", "eval_success", "critic_loss", "actor_loss",
            "mean_q", "actor_loss_scale", "critic_loss_scale", "skipped_steps");

    private final List<String> columns;
    private final Writer out;

    /** Opens {@code file} with {@link #COLUMNS}, keeping rows whose step is at most {@code keepUpTo} (all rows dropped when negative). */
    public MetricsLog(Path file, long keepUpTo) throws IOException {
        this(file, COLUMNS, keepUpTo);
    }

    /**
     * Opens {@code file} with the given columns (the first is the step), keeping rows whose step is at most
     * {@code keepUpTo} (all rows dropped when negative).
     */
    public MetricsLog(Path file, List<String> columns, long keepUpTo) throws IOException {
        this.columns = List.copyOf(columns);
        List<String> kept = new ArrayList<>();
        kept.add(String.join(",", this.columns));
        if (keepUpTo >= 0 && Files.isRegularFile(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 1; i < lines.size(); i++) {
                String line = lines.get(i);
                int comma = line.indexOf(',');
                if (comma > 0) {
                    try {
                        if (Long.parseLong(line.substring(0, comma)) <= keepUpTo) {
                            kept.add(line);
                        }
                    } catch (NumberFormatException e) {
                        // a torn last line from a killed run: dropped
                    }
                }
            }
        }
        Files.write(file, kept, StandardCharsets.UTF_8);
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /** Appends one row; values in column order (doubles as {@code %.6g}, NaN as an empty cell). */
    public void row(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("metrics row has " + values.length + " values, expected " + columns.size());
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object v = values[i];
            if (v instanceof Double d) {
                sb.append(Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.6g", d));
            } else {
                sb.append(v);
            }
        }
        try {
            out.write(sb.append('\n').toString());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to metrics.csv", e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** Reads (step, value) pairs of {@code column} from a metrics file, skipping empty cells. */
    public static List<double[]> read(Path file, String column) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<double[]> points = new ArrayList<>();
        if (lines.isEmpty()) {
            return points;
        }
        List<String> header = List.of(lines.get(0).split(","));
        int stepCol = header.indexOf("total_steps");
        int col = header.indexOf(column);
        if (col < 0 || stepCol < 0) {
            throw new IllegalArgumentException(file + ": no column '" + column + "'");
        }
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", -1);
            if (cells.length > Math.max(col, stepCol) && !cells[col].isEmpty()) {
                try {
                    points.add(new double[] {Double.parseDouble(cells[stepCol]), Double.parseDouble(cells[col])});
                } catch (NumberFormatException e) {
                    // skip malformed row
                }
            }
        }
        return points;
    }
}
