package dev.myelin.observe.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A training run's {@code metrics.csv} (a header of column names, then one row of numbers per evaluation), read
 * whole for the dashboard's learning-curve chart. Empty cells and {@code NaN} are gaps; anything else that is not a
 * number, or a row with the wrong number of cells, is an error naming the file, line and column.
 */
public final class MetricsCsv {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MetricsCsv() {
    }

    /** One run: its name, column names and rows (null for a gap). */
    public record Run(String name, List<String> columns, List<Double[]> rows) {
        public ObjectNode toJson() {
            ObjectNode o = JSON.createObjectNode().put("name", name);
            columns.forEach(o.putArray("columns")::add);
            ArrayNode rs = o.putArray("rows");
            for (Double[] row : rows) {
                ArrayNode a = rs.addArray();
                for (Double v : row) {
                    if (v == null) {
                        a.addNull();
                    } else {
                        a.add(v);
                    }
                }
            }
            return o;
        }
    }

    /** Reads {@code file}; the run is named after its folder. */
    public static Run read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || lines.getFirst().isBlank()) {
            throw new IOException(file + " line 1: no header (expected column names, e.g. total_steps,eval_return)");
        }
        List<String> columns = List.of(lines.getFirst().strip().split(",", -1));
        for (int c = 0; c < columns.size(); c++) {
            if (columns.get(c).isBlank()) {
                throw new IOException(file + " line 1: column " + (c + 1) + " has no name");
            }
        }
        List<Double[]> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            if (cells.length != columns.size()) {
                throw new IOException(file + " line " + (i + 1) + ": " + cells.length + " values, the header names "
                        + columns.size());
            }
            Double[] row = new Double[cells.length];
            for (int c = 0; c < cells.length; c++) {
                String cell = cells[c].strip();
                if (cell.isEmpty() || cell.equalsIgnoreCase("nan")) {
                    continue;
                }
                try {
                    double v = Double.parseDouble(cell);
                    row[c] = Double.isFinite(v) ? v : null;
                } catch (NumberFormatException e) {
                    throw new IOException(file + " line " + (i + 1) + ", column " + columns.get(c) + ": '" + cell
                            + "' is not a number");
                }
            }
            rows.add(row);
        }
        Path dir = file.toAbsolutePath().getParent();
        String name = dir == null || dir.getFileName() == null ? file.getFileName().toString() : dir.getFileName().toString();
        return new Run(name, columns, rows);
    }
}
