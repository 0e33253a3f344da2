package dev.myelin.controller.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A parameter file read into a tree together with the line of every key and list item (by JSON pointer,
 * e.g. {@code /controller/ros__parameters/actions/0/max}). A key given twice in one mapping is refused
 * with both lines; {@code .nan} and {@code .inf} become non-finite numbers (which the checks then refuse
 * by key); a syntax error is one line naming the file, line and column.
 */
final class LocatedYaml {

    /** The tree and the 1-based line of each pointer. */
    record Doc(JsonNode root, Map<String, Integer> lines) {
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private LocatedYaml() {
    }

    static Doc parse(String text, String source) {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            if (p.nextToken() == null) {
                throw new ParamsException(source + ":1: the file is empty");
            }
            lines.put("", p.currentTokenLocation().getLineNr());
            return new Doc(read(p, "", lines, source), Map.copyOf(lines));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            StringBuilder what = new StringBuilder();
            for (String l : String.valueOf(e.getOriginalMessage()).split("\\R")) {
                if (!l.isBlank() && !Character.isWhitespace(l.charAt(0))) { // skip the excerpt and its location lines
                    what.append(what.isEmpty() ? "" : "; ").append(l.strip());
                }
            }
            throw new ParamsException(source + ":" + (at == null ? 0 : at.getLineNr() + ":" + at.getColumnNr())
                    + ": not valid YAML: " + what);
        } catch (IOException e) {
            throw new ParamsException(source + ": cannot read: " + e.getMessage());
        }
    }

    private static JsonNode read(JsonParser p, String pointer, Map<String, Integer> lines, String source) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int line = p.currentTokenLocation().getLineNr();
                    String child = pointer + "/" + key;
                    if (o.has(key)) {
                        throw new ParamsException(source + ":" + line + ": " + dotted(child) + " is given twice (first on line "
                                + lines.get(child) + "); remove one, the file must say what it means once");
                    }
                    lines.put(child, line);
                    p.nextToken();
                    o.set(key, read(p, child, lines, source));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    String child = pointer + "/" + i++;
                    lines.put(child, p.currentTokenLocation().getLineNr());
                    a.add(read(p, child, lines, source));
                }
                return a;
            }
            case VALUE_NUMBER_INT -> {
                return NODES.numberNode(p.getBigIntegerValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                String s = p.getText().toLowerCase(Locale.ROOT);
                if (s.endsWith(".nan")) {
                    return NODES.numberNode(Double.NaN);
                }
                if (s.endsWith(".inf")) {
                    return NODES.numberNode(s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
                }
                return NODES.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(t == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> {
                return NODES.textNode(p.getText());
            }
        }
    }

    /** {@code /a/b/0/c} as {@code a.b[0].c}. */
    static String dotted(String pointer) {
        StringBuilder b = new StringBuilder();
        for (String part : pointer.substring(pointer.isEmpty() ? 0 : 1).split("/")) {
            if (part.chars().allMatch(Character::isDigit) && !part.isEmpty() && b.length() > 0) {
                b.append('[').append(part).append(']');
            } else {
                b.append(b.length() > 0 ? "." : "").append(part);
            }
        }
        return b.toString();
    }
}
