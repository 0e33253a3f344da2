package dev.myelin.launch.file;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A node's parameters after argument substitution, each remembering its line, so that a bad value
 * is reported with the launch file, the line and the key. Immutable.
 */
public final class NodeParams {
    /** One value and where it was written. */
    public record Entry(String value, int line) {
    }

    private final String source;
    private final Path baseDir;
    private final int nodeLine;
    private final Map<String, Entry> entries;

    NodeParams(String source, Path baseDir, int nodeLine, Map<String, Entry> entries) {
        this.source = source;
        this.baseDir = baseDir;
        this.nodeLine = nodeLine;
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** Parameters given in code (the demo composes nodes without a file). */
    public static NodeParams of(String source, Path baseDir, Map<String, String> values) {
        Map<String, Entry> m = new LinkedHashMap<>();
        values.forEach((k, v) -> m.put(k, new Entry(v, 0)));
        return new NodeParams(source, baseDir, 0, m);
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** Refuses any key outside {@code allowed}, naming the first unknown one. */
    public void allowOnly(Set<String> allowed, String kind) {
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw error(e.getKey(), "not a parameter of a " + kind + " node (known: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    /** An error about {@code key}, naming the file and the key's line. */
    public LaunchFileException error(String key, String problem) {
        Entry e = entries.get(key);
        return new LaunchFileException(source, e != null ? e.line() : nodeLine, key, problem);
    }

    public String string(String key, String fallback) {
        Entry e = entries.get(key);
        return e == null || e.value() == null ? fallback : e.value();
    }

    public String required(String key) {
        String v = string(key, null);
        if (v == null || v.isBlank()) {
            throw error(key, "required");
        }
        return v;
    }

    public long integer(String key, long fallback, long min, long max) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException ex) {
            throw error(key, "'" + v + "' is not an integer");
        }
        if (n < min || n > max) {
            throw error(key, n + " is outside " + min + ".." + max);
        }
        return n;
    }

    public double real(String key, double fallback, double min, double max) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException ex) {
            throw error(key, "'" + v + "' is not a number");
        }
        if (!(d >= min && d <= max)) {
            throw error(key, v + " is outside " + min + ".." + max);
        }
        return d;
    }

    public boolean bool(String key, boolean fallback) {
        String v = string(key, null);
        if (v == null) {
            return fallback;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(key, "'" + v + "' is not true or false");
        };
    }

    public Duration seconds(String key, double fallback, double min, double max) {
        return Duration.ofNanos(Math.round(real(key, fallback, min, max) * 1e9));
    }

    /** A path as given (relative to the working folder; {@code $(dirname)} names the launch file's); null when absent. */
    public Path path(String key) {
        String v = string(key, null);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Path.of(v);
        } catch (java.nio.file.InvalidPathException e) {
            throw error(key, "'" + v + "' is not a path");
        }
    }

    /** A comma-separated list (empty when absent). */
    public List<String> list(String key) {
        String v = string(key, null);
        if (v == null || v.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Folder that relative paths are resolved against. */
    public Path baseDir() {
        return baseDir;
    }

    public String source() {
        return source;
    }
}
