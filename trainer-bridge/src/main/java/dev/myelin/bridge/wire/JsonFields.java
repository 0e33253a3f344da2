package dev.myelin.bridge.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Strict reading of one JSON object from a payload: duplicate keys, trailing content, deep nesting and
 * unknown keys are refused, every field is typed and range-checked, and every refusal is a
 * {@link PayloadException} naming the field by its path ({@code manifest.robots[2]}). Writing goes
 * through {@link #object()} and {@link #bytes(ObjectNode)}. Instances are confined to one thread.
 */
public final class JsonFields {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(8).maxNumberLength(40).maxStringLength(1 << 20).build());
    }

    /** Robot, fleet, channel and policy names: also MQTT topic levels, so no wildcards or separators. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Lowercase hex SHA-256. */
    public static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private final ObjectNode node;
    private final String path;
    private final Set<String> read = new HashSet<>();

    private JsonFields(ObjectNode node, String path) {
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
        JsonNode root;
        try {
            root = MAPPER.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new PayloadException(what, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new PayloadException(what, "unreadable: " + e.getMessage());
        }
        if (!(root instanceof ObjectNode o)) {
            throw new PayloadException(what, "must be a JSON object");
        }
        return new JsonFields(o, what);
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
        return node.has(key) && !node.get(key).isNull();
    }

    private JsonNode required(String key) throws PayloadException {
        read.add(key);
        JsonNode n = node.get(key);
        if (n == null || n.isNull()) {
            throw new PayloadException(path + "." + key, "is missing");
        }
        return n;
    }

    public String text(String key) throws PayloadException {
        JsonNode n = required(key);
        if (!n.isTextual()) {
            throw new PayloadException(path + "." + key, "must be a string");
        }
        return n.textValue();
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
        JsonNode n = required(key);
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new PayloadException(path + "." + key, "must be an integer");
        }
        long v = n.longValue();
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
        JsonNode n = required(key);
        if (!n.isBoolean()) {
            throw new PayloadException(path + "." + key, "must be true or false");
        }
        return n.booleanValue();
    }

    /** An array of strings, each matching {@code format}, at most {@code maxItems}, no duplicates. */
    public List<String> texts(String key, int maxItems, Pattern format, String description) throws PayloadException {
        ArrayNode a = array(key, maxItems);
        List<String> out = new ArrayList<>(a.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < a.size(); i++) {
            JsonNode n = a.get(i);
            String p = path + "." + key + "[" + i + "]";
            if (!n.isTextual() || !format.matcher(n.textValue()).matches()) {
                throw new PayloadException(p, "must be " + description);
            }
            if (!seen.add(n.textValue())) {
                throw new PayloadException(p, "'" + n.textValue() + "' appears twice");
            }
            out.add(n.textValue());
        }
        return out;
    }

    /** An array of integers in [min, max], at most {@code maxItems}. */
    public long[] integers(String key, int maxItems, long min, long max) throws PayloadException {
        ArrayNode a = array(key, maxItems);
        long[] out = new long[a.size()];
        for (int i = 0; i < a.size(); i++) {
            JsonNode n = a.get(i);
            String p = path + "." + key + "[" + i + "]";
            if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
                throw new PayloadException(p, "must be an integer in [" + min + ", " + max + "]");
            }
            out[i] = n.longValue();
        }
        return out;
    }

    private ArrayNode array(String key, int maxItems) throws PayloadException {
        JsonNode n = required(key);
        if (!(n instanceof ArrayNode a)) {
            throw new PayloadException(path + "." + key, "must be an array");
        }
        if (a.size() > maxItems) {
            throw new PayloadException(path + "." + key, a.size() + " entries, over the limit of " + maxItems);
        }
        return a;
    }

    /** A nested object, read with the same strictness; its paths continue this one's. */
    public JsonFields object(String key) throws PayloadException {
        JsonNode n = required(key);
        if (!(n instanceof ObjectNode o)) {
            throw new PayloadException(path + "." + key, "must be an object");
        }
        return new JsonFields(o, path + "." + key);
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
        if (!(node.get(key) instanceof ObjectNode o)) {
            throw new PayloadException(path + "." + key, "must be an object");
        }
        if (o.size() > maxEntries) {
            throw new PayloadException(path + "." + key, o.size() + " entries, over the limit of " + maxEntries);
        }
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        var it = o.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!keyFormat.matcher(e.getKey()).matches()) {
                throw new PayloadException(path + "." + key, "key '" + abbreviate(e.getKey()) + "' is not " + keyFormat);
            }
            if (!e.getValue().canConvertToExactIntegral() || !e.getValue().canConvertToLong() || e.getValue().asLong() < 0) {
                throw new PayloadException(path + "." + key + "." + e.getKey(), "must be an integer >= 0");
            }
            m.put(e.getKey(), e.getValue().asLong());
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** A nested object, or null when absent. */
    public JsonFields optObject(String key) throws PayloadException {
        read.add(key);
        return has(key) ? object(key) : null;
    }

    /** Refuses keys that no accessor asked for. Call after reading every field. */
    public void end() throws PayloadException {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String k = names.next();
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
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }
}
