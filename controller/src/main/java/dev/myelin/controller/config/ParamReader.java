package dev.myelin.controller.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed, path-aware reads from one mapping of a parameter file. Every failure is one line naming the
 * file, the line (when the parameters came from a file) and the dotted parameter path; unknown keys are
 * refused so that a misspelt limit is never silently ignored, and so are keys given with an empty (null)
 * value, which would otherwise silently mean the default.
 */
final class ParamReader {
    private final String file;
    private final String path;
    private final String pointer;
    private final Map<String, Integer> lines;
    private final JsonNode node;

    /**
     * @param pointer JSON pointer of {@code node} in the document whose key lines are {@code lines}
     *                (empty map: no line numbers)
     */
    ParamReader(String file, String path, String pointer, Map<String, Integer> lines, JsonNode node) {
        this.file = file;
        this.path = path;
        this.pointer = pointer;
        this.lines = lines;
        this.node = node;
        if (node == null || !node.isObject()) {
            throw fail(path, "must be a mapping, got " + (node == null || node.isNull() ? "nothing" : node.toString()));
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String k = names.next();
            if (node.get(k).isNull()) {
                throw fail(k, "is empty (null): give a value, or leave the key out to use its default");
            }
        }
    }

    String path() {
        return path;
    }

    ParamsException fail(String key, String what) {
        boolean self = key.equals(path);
        String at = self ? path : path + "." + key;
        Integer line = self ? null : lines.get(pointer + "/" + key.replace("[", "/").replace("]", ""));
        if (line == null) {
            line = lines.get(pointer);
        }
        return new ParamsException((line == null ? file : file + ":" + line) + ": " + at + " " + what, at);
    }

    void allowOnly(Set<String> keys) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String k = names.next();
            if (!keys.contains(k)) {
                throw fail(k, "is not a known parameter (known here: " + String.join(", ", keys.stream().sorted().toList()) + ")");
            }
        }
    }

    boolean isText(String key) {
        return has(key) && node.get(key).isTextual();
    }

    boolean isList(String key) {
        return has(key) && node.get(key).isArray();
    }

    boolean has(String key) {
        return node.has(key) && !node.get(key).isNull();
    }

    String string(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw fail(key, "is required");
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw fail(key, "must be a non-empty string, got " + v);
        }
        return v.asText().strip();
    }

    String string(String key, String fallback) {
        return has(key) ? string(key) : fallback;
    }

    double number(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw fail(key, "is required");
        }
        if (!v.isNumber()) {
            throw fail(key, "must be a number, got " + v);
        }
        double d = v.asDouble();
        if (!Double.isFinite(d)) {
            throw fail(key, "must be finite, got " + v);
        }
        return d;
    }

    double number(String key, double fallback) {
        return has(key) ? number(key) : fallback;
    }

    double positive(String key, double fallback) {
        double d = number(key, fallback);
        if (!(d > 0)) {
            throw fail(key, "must be > 0, got " + d);
        }
        return d;
    }

    double nonNegative(String key, double fallback) {
        double d = number(key, fallback);
        if (!(d >= 0)) {
            throw fail(key, "must be >= 0, got " + d);
        }
        return d;
    }

    int integer(String key, int fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode v = node.get(key);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw fail(key, "must be an integer, got " + v);
        }
        return v.asInt();
    }

    boolean bool(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode v = node.get(key);
        if (!v.isBoolean()) {
            throw fail(key, "must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    List<String> strings(String key) {
        if (!has(key)) {
            return List.of();
        }
        JsonNode v = node.get(key);
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            out.add(v.asText());
            return out;
        }
        if (!v.isArray()) {
            throw fail(key, "must be a list of strings, got " + v);
        }
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual() || v.get(i).asText().isBlank()) {
                throw fail(key + "[" + i + "]", "must be a non-empty string, got " + v.get(i));
            }
            out.add(v.get(i).asText().strip());
        }
        return out;
    }

    double[] pair(String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isArray() || v.size() != 2 || !v.get(0).isNumber() || !v.get(1).isNumber()) {
            throw fail(key, "must be a list of two numbers [low, high], got " + v);
        }
        double lo = v.get(0).asDouble();
        double hi = v.get(1).asDouble();
        if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(lo < hi)) {
            throw fail(key, "must be finite with low < high, got " + v);
        }
        return new double[] {lo, hi};
    }

    /** One number for all {@code n} entries, or a list of exactly {@code n}; {@code fallback} when absent (null: required). */
    double[] numbers(String key, int n, Double fallback) {
        double[] out = new double[n];
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (fallback == null) {
                throw fail(key, "is required");
            }
            java.util.Arrays.fill(out, fallback);
            return out;
        }
        if (!v.isArray()) {
            java.util.Arrays.fill(out, number(key));
            return out;
        }
        if (v.size() != n) {
            throw fail(key, "must be one number or a list of " + n + " (one per joint), got " + v.size());
        }
        for (int i = 0; i < n; i++) {
            if (!v.get(i).isNumber() || !Double.isFinite(v.get(i).asDouble())) {
                throw fail(key + "[" + i + "]", "must be a finite number, got " + v.get(i));
            }
            out[i] = v.get(i).asDouble();
        }
        return out;
    }

    ParamReader child(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        return new ParamReader(file, path + "." + key, pointer + "/" + key, lines, v);
    }

    List<ParamReader> list(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw fail(key, "is required (a list)");
        }
        if (!v.isArray() || v.isEmpty()) {
            throw fail(key, "must be a non-empty list");
        }
        List<ParamReader> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(new ParamReader(file, path + "." + key + "[" + i + "]", pointer + "/" + key + "/" + i, lines, v.get(i)));
        }
        return out;
    }
}
