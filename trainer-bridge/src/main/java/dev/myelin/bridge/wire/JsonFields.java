package dev.myelin.bridge.wire;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.myelin.policy.io.StrictJson;
import dev.myelin.policy.io.StrictJson.JsonNumber;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Strict reading of one JSON object from a payload, through {@link StrictJson}: duplicate keys, trailing
 * content, deep nesting, long strings and unknown keys are refused, every field is typed and range-checked, and every refusal is a
 * {@link PayloadException} naming the field by its path ({@code manifest.robots[2]}). Writing goes
 * through {@link #object()} and {@link #bytes(ObjectNode)}. Instances are confined to one thread.
 */
public final class JsonFields {

    /** Payloads: shallow, short numbers, strings up to 1 MiB; each parse sets its own document size. */
    private static final StrictJson.Limits LIMITS = new StrictJson.Limits(8, 40, StrictJson.MAX_NAME_LENGTH, 1 << 20,
            1 << 20);

    /** Robot, fleet, channel and policy names: also MQTT topic levels, so no wildcards or separators. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Lowercase hex SHA-256. */
    public static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private final Map<String, Object> node;
    private final String path;
    private final Set<String> read = new HashSet<>();

    private JsonFields(Map<String, Object> node, String path) {
        this.node = node;
        this.path = path;
    }

    /** Parses {@code payload} as one JSON object of at most {@code maxBytes}; {@code what} prefixes field paths. */
    public static JsonFields parse(byte[] payload, String what, int maxBytes) throws PayloadException {
        if (payload == null || payload.length == 0) {
            throw new PayloadException(what, "empty payload");
        }
        if (payload.length > maxBytes) {
            throw new PayloadException(what, payload.length + " bytes, over the limit of " + maxBytes);
        }
        try {
            return new JsonFields(StrictJson.of(LIMITS.withMaxDocumentBytes(maxBytes)).readObject(payload, 0, payload.length),
                    what);
        } catch (StrictJson.Refused e) {
            throw new PayloadException(what, switch (e.problem()) {
                case NOT_OBJECT -> "must be a JSON object";
                case TRAILING_CONTENT -> "not valid JSON: trailing content after the object";
                case NOT_UTF8 -> "not valid JSON: not valid UTF-8";
                case EMPTY, TOO_LARGE, NOT_JSON -> "not valid JSON: " + e.getMessage();
            });
        }
    }

    /** Checks {@code v} equals {@code supported}; refuses other versions with a reason naming both. */
    public JsonFields version(int supported) throws PayloadException {
        long v = integer("v", 0, Integer.MAX_VALUE);
        if (v != supported) {
            throw new PayloadException(path + ".v", "payload version " + v + " is not supported (this reader reads "
                    + supported + ")");
        }
        return this;
    }

    /** Checks the {@code kind} field equals {@code expected}. */
    public JsonFields kind(String expected) throws PayloadException {
        String k = text("kind");
        if (!k.equals(expected)) {
            throw new PayloadException(path + ".kind", "expected '" + expected + "', got '" + k + "'");
        }
        return this;
    }

    public boolean has(String key) {
        return node.get(key) != null;
    }

    private Object required(String key) throws PayloadException {
        read.add(key);
        Object n = node.get(key);
        if (n == null) {
            throw new PayloadException(path + "." + key, "is missing");
        }
        return n;
    }

    public String text(String key) throws PayloadException {
        if (!(required(key) instanceof String s)) {
            throw new PayloadException(path + "." + key, "must be a string");
        }
        return s;
    }

    public String text(String key, Pattern format, String description) throws PayloadException {
        String s = text(key);
        if (!format.matcher(s).matches()) {
            throw new PayloadException(path + "." + key, "'" + abbreviate(s) + "' is not " + description);
        }
        return s;
    }

    /** An optional string: null when absent. */
    public String optText(String key, Pattern format, String description) throws PayloadException {
        read.add(key);
        return has(key) ? text(key, format, description) : null;
    }

    public String oneOf(String key, String... allowed) throws PayloadException {
        String s = text(key);
        for (String a : allowed) {
            if (a.equals(s)) {
                return s;
            }
        }
        throw new PayloadException(path + "." + key, "'" + abbreviate(s) + "' is not one of " + String.join(", ", allowed));
    }

    public long integer(String key, long min, long max) throws PayloadException {
        Long n = required(key) instanceof JsonNumber j ? j.exactLong() : null;
        if (n == null) {
            throw new PayloadException(path + "." + key, "must be an integer");
        }
        long v = n;
        if (v < min || v > max) {
            throw new PayloadException(path + "." + key, v + " is outside [" + min + ", " + max + "]");
        }
        return v;
    }

    public long optInteger(String key, long min, long max, long fallback) throws PayloadException {
        read.add(key);
        return has(key) ? integer(key, min, max) : fallback;
    }

    public boolean bool(String key) throws PayloadException {
        if (!(required(key) instanceof Boolean b)) {
            throw new PayloadException(path + "." + key, "must be true or false");
        }
        return b;
    }

    /** An array of strings, each matching {@code format}, at most {@code maxItems}, no duplicates. */
    public List<String> texts(String key, int maxItems, Pattern format, String description) throws PayloadException {
        List<Object> a = array(key, maxItems);
        List<String> out = new ArrayList<>(a.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < a.size(); i++) {
            String p = path + "." + key + "[" + i + "]";
            if (!(a.get(i) instanceof String n) || !format.matcher(n).matches()) {
                throw new PayloadException(p, "must be " + description);
            }
            if (!seen.add(n)) {
                throw new PayloadException(p, "'" + n + "' appears twice");
            }
            out.add(n);
        }
        return out;
    }

    /** An array of integers in [min, max], at most {@code maxItems}. */
    public long[] integers(String key, int maxItems, long min, long max) throws PayloadException {
        List<Object> a = array(key, maxItems);
        long[] out = new long[a.size()];
        for (int i = 0; i < a.size(); i++) {
            String p = path + "." + key + "[" + i + "]";
            Long n = a.get(i) instanceof JsonNumber j ? j.exactLong() : null;
            if (n == null || n < min || n > max) {
                throw new PayloadException(p, "must be an integer in [" + min + ", " + max + "]");
            }
            out[i] = n;
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private List<Object> array(String key, int maxItems) throws PayloadException {
        if (!(required(key) instanceof List<?> l)) {
            throw new PayloadException(path + "." + key, "must be an array");
        }
        if (l.size() > maxItems) {
            throw new PayloadException(path + "." + key, l.size() + " entries, over the limit of " + maxItems);
        }
        return (List<Object>) l;
    }

    /** A nested object, read with the same strictness; its paths continue this one's. */
    public JsonFields object(String key) throws PayloadException {
        if (!(required(key) instanceof Map<?, ?> o)) {
            throw new PayloadException(path + "." + key, "must be an object");
        }
        return new JsonFields(StrictJson.asObject(o), path + "." + key);
    }

    /**
     * An optional object of counts ({@code {"key": n, ...}}, keys matching {@code keyFormat}, values >= 0),
     * in the order written; empty when absent.
     */
    public Map<String, Long> optCounts(String key, int maxEntries, Pattern keyFormat) throws PayloadException {
        read.add(key);
        if (!has(key)) {
            return Map.of();
        }
        if (!(node.get(key) instanceof Map<?, ?> o)) {
            throw new PayloadException(path + "." + key, "must be an object");
        }
        if (o.size() > maxEntries) {
            throw new PayloadException(path + "." + key, o.size() + " entries, over the limit of " + maxEntries);
        }
        Map<String, Long> m = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : StrictJson.asObject(o).entrySet()) {
            if (!keyFormat.matcher(e.getKey()).matches()) {
                throw new PayloadException(path + "." + key, "key '" + abbreviate(e.getKey()) + "' is not " + keyFormat);
            }
            Long n = e.getValue() instanceof JsonNumber j ? integralValue(j) : null;
            if (n == null || n < 0) {
                throw new PayloadException(path + "." + key + "." + e.getKey(), "must be an integer >= 0");
            }
            m.put(e.getKey(), n);
        }
        return Collections.unmodifiableMap(m);
    }

    /** A nested object, or null when absent. */
    public JsonFields optObject(String key) throws PayloadException {
        read.add(key);
        return has(key) ? object(key) : null;
    }

    /** Refuses keys that no accessor asked for. Call after reading every field. */
    public void end() throws PayloadException {
        for (String k : node.keySet()) {
            if (!read.contains(k) && !k.equals("v") && !k.equals("kind")) {
                throw new PayloadException(path + "." + abbreviate(k), "unknown field");
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    /** A fresh object node for writing a payload. */
    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Compact UTF-8 JSON. */
    public static byte[] bytes(ObjectNode node) {
        return StrictJson.write(node);
    }

    /**
     * A number with an integral value that fits a long, also when written with a fraction or exponent
     * ({@code 3.0}, {@code 1e3}: the value as a double, as counts have always been read); else null.
     */
    private static Long integralValue(JsonNumber n) {
        if (n.integral()) {
            return n.exactLong();
        }
        double d = Double.parseDouble(n.text());
        if (Double.isNaN(d) || Double.isInfinite(d) || d != Math.rint(d) || d < Long.MIN_VALUE || d > Long.MAX_VALUE) {
            return null;
        }
        return (long) d;
    }
}
