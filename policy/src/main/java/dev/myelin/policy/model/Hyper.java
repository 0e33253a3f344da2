package dev.myelin.policy.model;

import java.util.List;
import java.util.Map;

/** Reads typed hyperparameters from a manifest map, naming the key when one is missing or wrong. */
final class Hyper {
    private final String family;
    private final Map<String, Object> map;

    Hyper(String family, Map<String, Object> map) {
        this.family = family;
        this.map = map;
    }

    private Object get(String key) {
        Object v = map.get(key);
        if (v == null) {
            throw new IllegalArgumentException(family + ": hyperparameter '" + key + "' is missing");
        }
        return v;
    }

    int positiveInt(String key) {
        Object v = get(key);
        // Judged on the value itself: intValue() of a large negative long wraps to a positive int.
        if (!(v instanceof Number n) || !isIntegerIn(n.doubleValue(), 1, 1 << 20)) {
            throw new IllegalArgumentException(family + ": hyperparameter '" + key
                    + "' must be a positive integer (at most 2^20), got " + v);
        }
        return (int) n.doubleValue();
    }

    private static boolean isIntegerIn(double d, double lo, double hi) {
        return d >= lo && d <= hi && d == Math.rint(d);
    }

    float finite(String key) {
        Object v = get(key);
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw new IllegalArgumentException(family + ": hyperparameter '" + key + "' must be a finite number, got " + v);
        }
        return n.floatValue();
    }

    float finite(String key, float fallback) {
        return map.containsKey(key) ? finite(key) : fallback;
    }

    int[] positiveInts(String key) {
        Object v = get(key);
        if (!(v instanceof List<?> list) || list.isEmpty() || list.size() > 64) {
            throw new IllegalArgumentException(family + ": hyperparameter '" + key
                    + "' must be a non-empty list of positive integers, got " + v);
        }
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object e = list.get(i);
            if (!(e instanceof Number n) || !isIntegerIn(n.doubleValue(), 1, 1 << 20)) {
                throw new IllegalArgumentException(family + ": hyperparameter '" + key + "'[" + i
                        + "] must be a positive integer, got " + e);
            }
            out[i] = (int) n.doubleValue();
        }
        return out;
    }

    String string(String key) {
        Object v = get(key);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(family + ": hyperparameter '" + key + "' must be a string, got " + v);
        }
        return s;
    }

    CubaLif lif() {
        return new CubaLif(finite("current_decay"), finite("voltage_decay"), finite("threshold"));
    }

    static void putLif(Map<String, Object> m, CubaLif lif) {
        m.put("current_decay", (double) lif.currentDecay());
        m.put("voltage_decay", (double) lif.voltageDecay());
        m.put("threshold", (double) lif.threshold());
    }
}
