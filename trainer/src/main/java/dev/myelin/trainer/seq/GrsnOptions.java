package dev.myelin.trainer.seq;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the options map of the recurrent actors' {@code create} factories (GRSN and its GRU baseline):
 * checks that every key is known and converts values written as numbers, strings, lists or arrays.
 * Errors name the family, the key and the value.
 */
final class GrsnOptions {
    private final String family;
    private final Map<String, Object> options;

    GrsnOptions(String family, Map<String, Object> options, Set<String> known) {
        this.family = family;
        this.options = options == null ? Map.of() : options;
        for (String key : this.options.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException(family + ": unknown option '" + key + "' (known: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    /** Positive layer widths from a list, an int array, a number or a comma-separated string. */
    int[] widths(String key, int[] fallback) {
        Object v = options.get(key);
        if (v == null) {
            return fallback.clone();
        }
        List<Object> items = new ArrayList<>();
        switch (v) {
            case int[] a -> {
                for (int x : a) {
                    items.add(x);
                }
            }
            case List<?> l -> items.addAll(l);
            case Number n -> items.add(n);
            case String s -> {
                for (String part : s.split(",")) {
                    items.add(part.trim());
                }
            }
            default -> throw bad(key, v, "a list of positive integers");
        }
        if (items.isEmpty()) {
            throw bad(key, v, "at least one layer width");
        }
        int[] out = new int[items.size()];
        for (int i = 0; i < out.length; i++) {
            Object item = items.get(i);
            long w;
            try {
                w = item instanceof Number n ? wholeNumber(n) : Long.parseLong(String.valueOf(item).trim());
            } catch (NumberFormatException e) {
                throw bad(key, v, "a list of positive integers");
            }
            if (w < 1 || w > 65536) {
                throw bad(key, v, "layer widths between 1 and 65536");
            }
            out[i] = (int) w;
        }
        return out;
    }

    private static long wholeNumber(Number n) {
        double d = n.doubleValue();
        if (d != Math.rint(d)) {
            throw new NumberFormatException();
        }
        return n.longValue();
    }

    float finite(String key, float fallback) {
        Object v = options.get(key);
        if (v == null) {
            return fallback;
        }
        double d;
        try {
            d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw bad(key, v, "a number");
        }
        if (!Double.isFinite(d)) {
            throw bad(key, v, "a finite number");
        }
        return (float) d;
    }

    boolean flag(String key, boolean fallback) {
        Object v = options.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(v).trim();
        if (s.equalsIgnoreCase("true")) {
            return true;
        }
        if (s.equalsIgnoreCase("false")) {
            return false;
        }
        throw bad(key, v, "true or false");
    }

    String text(String key, String fallback) {
        Object v = options.get(key);
        return v == null ? fallback : String.valueOf(v).trim();
    }

    IllegalArgumentException bad(String key, Object value, String expected) {
        String shown = value instanceof int[] a ? java.util.Arrays.toString(a) : String.valueOf(value);
        return new IllegalArgumentException(family + ": option " + key + " = " + shown + " must be " + expected);
    }
}
