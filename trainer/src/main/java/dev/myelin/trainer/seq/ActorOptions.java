package dev.myelin.trainer.seq;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads an actor family's options ({@code hidden: [64, 64]}, {@code timesteps: 5}) from the plain map a
 * YAML preset or {@code actor.key=value} overrides produce, with errors naming the option. Values may be
 * numbers, strings ({@code "64,64"}) or lists. Stateless; any thread.
 */
public final class ActorOptions {
    private final String family;
    private final Map<String, Object> options;

    public ActorOptions(String family, Map<String, Object> options, Collection<String> known) {
        this.family = family;
        this.options = options == null ? Map.of() : options;
        for (String k : this.options.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException(family + " actor: unknown option '" + k + "' (known: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    public int integer(String key, int fallback, int min) {
        Object v = options.get(key);
        if (v == null) {
            return fallback;
        }
        int n;
        try {
            n = v instanceof Number x ? Math.toIntExact(Math.round(x.doubleValue())) : Integer.parseInt(v.toString().trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(family + " actor: option " + key + " must be an integer, got '" + v + "'");
        }
        if (v instanceof Number x && x.doubleValue() != n) {
            throw new IllegalArgumentException(family + " actor: option " + key + " must be an integer, got " + v);
        }
        if (n < min) {
            throw new IllegalArgumentException(family + " actor: option " + key + " must be >= " + min + ", got " + n);
        }
        return n;
    }

    public float number(String key, float fallback) {
        Object v = options.get(key);
        if (v == null) {
            return fallback;
        }
        float f;
        try {
            f = v instanceof Number x ? x.floatValue() : Float.parseFloat(v.toString().trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(family + " actor: option " + key + " must be a number, got '" + v + "'");
        }
        if (!Float.isFinite(f)) {
            throw new IllegalArgumentException(family + " actor: option " + key + " must be finite, got " + v);
        }
        return f;
    }

    /** A number that must be positive and finite (a scale, a width). */
    public float positive(String key, float fallback) {
        float f = number(key, fallback);
        if (!(f > 0f)) {
            throw new IllegalArgumentException(family + " actor: option " + key + " must be positive, got " + options.get(key));
        }
        return f;
    }

    public String string(String key, String fallback) {
        Object v = options.get(key);
        return v == null ? fallback : v.toString().trim();
    }

    /** A list of positive sizes, from a YAML list, a number or a comma-separated string. */
    public int[] sizes(String key, int[] fallback) {
        Object v = options.get(key);
        if (v == null) {
            return fallback.clone();
        }
        List<Object> items = new ArrayList<>();
        if (v instanceof List<?> l) {
            items.addAll(l);
        } else if (v instanceof Number) {
            items.add(v);
        } else {
            for (String s : v.toString().split("[,\\s]+")) {
                if (!s.isEmpty()) {
                    items.add(s);
                }
            }
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(family + " actor: option " + key + " needs at least one size");
        }
        int[] out = new int[items.size()];
        for (int i = 0; i < out.length; i++) {
            Object o = items.get(i);
            try {
                out[i] = o instanceof Number x ? Math.toIntExact(Math.round(x.doubleValue())) : Integer.parseInt(o.toString().trim());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(family + " actor: option " + key + " must list integers, got '" + v + "'");
            }
            if (out[i] < 1) {
                throw new IllegalArgumentException(family + " actor: option " + key + " sizes must be positive, got '" + v + "'");
            }
        }
        return out;
    }
}
