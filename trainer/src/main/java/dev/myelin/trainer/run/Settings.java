package dev.myelin.trainer.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Flat training settings ({@code actor.hidden}, {@code steps}, ...) read from YAML presets and
 * {@code key=value} overrides, with typed access whose errors name the key. Nested YAML mappings become
 * dotted keys, except the {@code mapKeys} (such as {@code task_options}), whose values stay maps and
 * take overrides as {@code map.option=value}. Shared by the trainers' configurations; immutable.
 */
public final class Settings {
    private final Map<String, Object> flat;

    private Settings(Map<String, Object> flat) {
        this.flat = flat;
    }

    /**
     * A shipped preset ({@code resourceDir/<name>.yaml} on the class path) or, for a name ending in
     * {@code .yaml}/{@code .yml}, a file; returned flat.
     */
    public static Map<String, Object> loadPreset(String nameOrFile, String resourceDir, List<String> known,
                                                 Set<String> mapKeys) throws IOException {
        if (nameOrFile.endsWith(".yaml") || nameOrFile.endsWith(".yml")) {
            Path f = Path.of(nameOrFile);
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("preset file " + f + " does not exist");
            }
            try (InputStream in = Files.newInputStream(f)) {
                return flatten(parse(in, f.toString()), mapKeys);
            }
        }
        InputStream in = Settings.class.getResourceAsStream(resourceDir + "/" + nameOrFile + ".yaml");
        if (in == null) {
            throw new IllegalArgumentException("unknown preset '" + nameOrFile + "' (known: " + String.join(", ", known)
                    + "; or give a .yaml file)");
        }
        try (in) {
            return flatten(parse(in, "preset " + nameOrFile), mapKeys);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(InputStream in, String source) throws IOException {
        Object o;
        try {
            o = new ObjectMapper(new YAMLFactory()).readValue(in, Object.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": not valid YAML: " + e.getMessage(), e);
        }
        if (o == null) {
            return new LinkedHashMap<>();
        }
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException(source + ": expected a mapping of settings at the top level");
        }
        return (Map<String, Object>) o;
    }

    /** Nested maps become dotted keys, except those named in {@code mapKeys}, whose values stay maps. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> flatten(Map<String, Object> nested, Set<String> mapKeys) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : nested.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m && !mapKeys.contains(e.getKey())) {
                for (Map.Entry<String, Object> inner : flatten((Map<String, Object>) m, Set.of()).entrySet()) {
                    out.put(e.getKey() + "." + inner.getKey(), inner.getValue());
                }
            } else {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /**
     * {@code settings} over {@code defaults}, then {@code key=value} {@code overrides} over that; every key
     * must be one of the defaults' (or {@code map.option} of a map key).
     */
    @SuppressWarnings("unchecked")
    public static Settings of(Map<String, Object> defaults, Map<String, Object> settings, List<String> overrides,
                              Set<String> mapKeys) {
        Map<String, Object> flat = new LinkedHashMap<>(defaults);
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            requireKnown(defaults, mapKeys, e.getKey());
            flat.put(e.getKey(), e.getValue());
        }
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("override '" + o + "' is not key=value");
            }
            String key = o.substring(0, eq).trim();
            String value = o.substring(eq + 1).trim();
            int dot = key.indexOf('.');
            if (dot > 0 && mapKeys.contains(key.substring(0, dot))) {
                String map = key.substring(0, dot);
                Map<String, Object> m = flat.get(map) instanceof Map<?, ?> c ? new LinkedHashMap<>((Map<String, Object>) c)
                        : new LinkedHashMap<>();
                m.put(key.substring(dot + 1), value);
                flat.put(map, m);
                continue;
            }
            requireKnown(defaults, mapKeys, key);
            flat.put(key, value);
        }
        return new Settings(flat);
    }

    private static void requireKnown(Map<String, Object> defaults, Set<String> mapKeys, String key) {
        if (!defaults.containsKey(key)) {
            StringBuilder hint = new StringBuilder(String.join(", ", new TreeSet<>(defaults.keySet())));
            for (String m : new TreeSet<>(mapKeys)) {
                hint.append("; ").append(m).append(".<option>");
            }
            throw new IllegalArgumentException("unknown setting '" + key + "' (known: " + hint + ")");
        }
    }

    /** The flat map (keys in definition order); the caller must not change it. */
    public Map<String, Object> flat() {
        return flat;
    }

    public Object raw(String key) {
        return flat.get(key);
    }

    public String string(String key) {
        Object v = raw(key);
        if (v == null) {
            return "";
        }
        if (v instanceof Map || v instanceof List) {
            throw new IllegalArgumentException(key + ": expected a string, got " + v);
        }
        return String.valueOf(v).trim();
    }

    /** A string that must be one of {@code known}; otherwise "key: unknown what 'v' (known: a, b)". */
    public String oneOf(String key, List<String> known, String what) {
        String v = string(key);
        if (!known.contains(v)) {
            throw new IllegalArgumentException(key + ": unknown " + what + " '" + v + "' (known: " + String.join(", ", known) + ")");
        }
        return v;
    }

    /**
     * Refuses any {@code key=value} override of a resumed run whose key is not in {@code resumable}, naming it
     * and the keys that may change.
     */
    public static void requireResumable(List<String> overrides, Set<String> resumable) {
        for (String o : overrides) {
            String key = o.contains("=") ? o.substring(0, o.indexOf('=')).trim() : o;
            if (!resumable.contains(key)) {
                throw new IllegalArgumentException("cannot change '" + key + "' when resuming (only "
                        + String.join(", ", new TreeSet<>(resumable)) + "); start a new run instead");
            }
        }
    }

    public double number(String key) {
        Object v = raw(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(string(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": expected a number, got '" + v + "'");
        }
    }

    public long longValue(String key) {
        double d = number(key);
        if (d != Math.rint(d) || Math.abs(d) > 9.0e15) {
            throw new IllegalArgumentException(key + ": expected a whole number, got " + raw(key));
        }
        return (long) d;
    }

    public long positiveLong(String key) {
        long v = longValue(key);
        if (v < 1) {
            throw new IllegalArgumentException(key + ": must be >= 1, got " + v);
        }
        return v;
    }

    public long nonNegativeLong(String key) {
        long v = longValue(key);
        if (v < 0) {
            throw new IllegalArgumentException(key + ": must be >= 0, got " + v);
        }
        return v;
    }

    public int positiveInt(String key) {
        long v = positiveLong(key);
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + ": " + v + " is too large");
        }
        return (int) v;
    }

    public float positiveFloat(String key) {
        double d = number(key);
        if (!(d > 0) || Double.isInfinite(d)) {
            throw new IllegalArgumentException(key + ": must be positive and finite, got " + raw(key));
        }
        return (float) d;
    }

    public float nonNegativeFloat(String key) {
        double d = number(key);
        if (!(d >= 0) || Double.isInfinite(d)) {
            throw new IllegalArgumentException(key + ": must be >= 0 and finite, got " + raw(key));
        }
        return (float) d;
    }

    public float unitFloat(String key) {
        double d = number(key);
        if (!(d >= 0 && d <= 1)) {
            throw new IllegalArgumentException(key + ": must be in [0, 1], got " + raw(key));
        }
        return (float) d;
    }

    public boolean bool(String key) {
        Object v = raw(key);
        if (v instanceof Boolean b) {
            return b;
        }
        String s = string(key).toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException(key + ": expected true or false, got '" + v + "'");
        };
    }

    /** Layer sizes: a YAML list or {@code 64,64} / {@code 64x64}. */
    public int[] sizes(String key) {
        Object v = raw(key);
        List<Object> items = new ArrayList<>();
        if (v instanceof List<?> l) {
            items.addAll(l);
        } else {
            for (String part : string(key).split("[,x ]+")) {
                if (!part.isEmpty()) {
                    items.add(part);
                }
            }
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(key + ": needs at least one layer size");
        }
        int[] out = new int[items.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = Integer.parseInt(String.valueOf(items.get(i)).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": layer size '" + items.get(i) + "' is not a whole number");
            }
            if (out[i] < 1) {
                throw new IllegalArgumentException(key + ": layer sizes must be positive, got " + out[i]);
            }
        }
        return out;
    }

    /** A map key's options as strings: a YAML mapping or {@code a=1,b=2}. */
    @SuppressWarnings("unchecked")
    public Map<String, String> options(String key) {
        Object v = raw(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                out.put(e.getKey(), String.valueOf(e.getValue()));
            }
            return out;
        }
        String s = string(key);
        if (s.isEmpty()) {
            return out;
        }
        for (String item : s.split(",")) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(key + ": option '" + item + "' is not key=value");
            }
            out.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        return out;
    }

    /** Layer sizes as a list, for saving. */
    public static List<Integer> toList(int[] a) {
        List<Integer> l = new ArrayList<>();
        for (int x : a) {
            l.add(x);
        }
        return l;
    }
}
