package dev.myelin.launch.file;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read with the line of every key and value, so that errors in a launch file can
 * name the file, the line and the key. Scalars keep their text; maps keep their key order.
 */
final class YamlTree {
    private YamlTree() {
    }

    /** Any value, with the line (1-based) where it starts. */
    sealed interface Value permits Scalar, MapValue, ListValue {
        int line();
    }

    /** A scalar; {@code text} is null for YAML null; {@code token} tells a number or boolean from a string. */
    record Scalar(String text, JsonToken token, int line) implements Value {
    }

    /** A mapping; {@code keyLines} gives the line of each key. */
    record MapValue(Map<String, Value> entries, Map<String, Integer> keyLines, int line) implements Value {
    }

    record ListValue(List<Value> items, int line) implements Value {
    }

    /**
     * Parses {@code text}; the error names {@code source} and the line of a syntax error.
     *
     * @throws LaunchFileException on malformed YAML or a duplicate key
     */
    static Value parse(String text, String source) {
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new LaunchFileException(source, 1, null, "the file is empty");
            }
            Value v = read(p, source);
            return v;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw new LaunchFileException(source, loc == null ? 0 : loc.getLineNr(), null,
                    "not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new LaunchFileException(source, 0, null, "cannot read: " + e.getMessage());
        }
    }

    private static Value read(JsonParser p, String source) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Value> m = new LinkedHashMap<>();
                Map<String, Integer> lines = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = p.currentTokenLocation().getLineNr();
                    if (m.containsKey(key)) {
                        throw new LaunchFileException(source, keyLine, key, "duplicate key (first at line " + lines.get(key) + ")");
                    }
                    p.nextToken();
                    m.put(key, read(p, source));
                    lines.put(key, keyLine);
                }
                return new MapValue(Collections.unmodifiableMap(m), Collections.unmodifiableMap(lines), line);
            }
            case START_ARRAY -> {
                List<Value> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(p, source));
                }
                return new ListValue(List.copyOf(items), line);
            }
            case VALUE_NULL -> {
                return new Scalar(null, t, line);
            }
            default -> {
                return new Scalar(p.getText(), t, line);
            }
        }
    }
}
