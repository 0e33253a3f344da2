package dev.myelin.ros2.msg;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Messages as YAML, the way the {@code ros2 topic} tools show and accept them.
 *
 * <p>Output: {@link #toBlock} prints block style as {@code ros2 topic echo} does;
 * {@link #toFlow} prints one line of flow style.
 *
 * <p>Input ({@link #apply}): the subset of YAML people type on a command line — flow mappings and
 * sequences ({@code "{linear: {x: 0.5}, angular: {z: -0.2}}"}), block mappings nested by
 * indentation with {@code - item} lists, plain, single- and double-quoted scalars, {@code .nan},
 * {@code .inf}. Fields not mentioned keep their value. A {@code builtin_interfaces/msg/Time} may
 * be given as {@code now}. Errors name the field path and what was wrong, and leave the message
 * untouched.
 */
public final class MessageYaml {
    private MessageYaml() {
    }

    /** A scalar as written, remembering whether it was quoted. */
    private record Scalar(String text, boolean quoted) {
    }

    // ---------------------------------------------------------------- output

    /** Block-style YAML, one field per line, nested messages indented by two spaces. */
    public static String toBlock(Message message) {
        StringBuilder sb = new StringBuilder();
        block(message, "", sb);
        return sb.toString();
    }

    private static void block(Message m, String indent, StringBuilder sb) {
        for (Field f : m.type.members) {
            sb.append(indent).append(f.name()).append(':');
            if (f.arity() == Arity.SINGLE) {
                switch (f.kind()) {
                    case MESSAGE -> {
                        sb.append('\n');
                        block(m.child(f), indent + "  ", sb);
                    }
                    case STRING -> sb.append(' ').append(quote(m.getString(f))).append('\n');
                    default -> sb.append(' ').append(formatScalar(f.kind(), m.scalars[m.scalarBase + f.scalarSlot])).append('\n');
                }
                continue;
            }
            int n = collectionSize(m, f);
            if (n == 0) {
                sb.append(" []\n");
                continue;
            }
            sb.append('\n');
            for (int i = 0; i < n; i++) {
                switch (f.kind()) {
                    case MESSAGE -> {
                        StringBuilder inner = new StringBuilder();
                        block(m.messages(f).get(i), indent + "  ", inner);
                        // "- " replaces the first element line's indentation
                        sb.append(indent).append("- ").append(inner, indent.length() + 2, inner.length());
                    }
                    case STRING -> sb.append(indent).append("- ").append(quote(m.strings(f).get(i))).append('\n');
                    default -> sb.append(indent).append("- ").append(formatElement(m.primitives(f), i)).append('\n');
                }
            }
        }
    }

    /** Flow-style YAML on one line. */
    public static String toFlow(Message message) {
        StringBuilder sb = new StringBuilder();
        flow(message, sb);
        return sb.toString();
    }

    private static void flow(Message m, StringBuilder sb) {
        sb.append('{');
        boolean first = true;
        for (Field f : m.type.members) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(f.name()).append(": ");
            if (f.arity() == Arity.SINGLE) {
                switch (f.kind()) {
                    case MESSAGE -> flow(m.child(f), sb);
                    case STRING -> sb.append(quote(m.getString(f)));
                    default -> sb.append(formatScalar(f.kind(), m.scalars[m.scalarBase + f.scalarSlot]));
                }
                continue;
            }
            sb.append('[');
            int n = collectionSize(m, f);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                switch (f.kind()) {
                    case MESSAGE -> flow(m.messages(f).get(i), sb);
                    case STRING -> sb.append(quote(m.strings(f).get(i)));
                    default -> sb.append(formatElement(m.primitives(f), i));
                }
            }
            sb.append(']');
        }
        sb.append('}');
    }

    private static int collectionSize(Message m, Field f) {
        return switch (f.kind()) {
            case MESSAGE -> m.messages(f).size();
            case STRING -> m.strings(f).size();
            default -> m.primitives(f).size();
        };
    }

    static String formatElement(PrimitiveArray a, int i) {
        return switch (a.kind()) {
            case FLOAT32 -> formatFloat(a.floats[i]);
            case FLOAT64 -> formatDouble(a.doubles[i]);
            case BOOL -> a.bytes[i] != 0 ? "true" : "false";
            case UINT64 -> Long.toUnsignedString(a.longs[i]);
            default -> Long.toString(a.getLongUnchecked(i));
        };
    }

    private static String formatScalar(FieldKind kind, long bits) {
        return switch (kind) {
            case FLOAT32 -> formatFloat(Float.intBitsToFloat((int) bits));
            case FLOAT64 -> formatDouble(Double.longBitsToDouble(bits));
            case BOOL -> bits != 0 ? "true" : "false";
            case UINT64 -> Long.toUnsignedString(bits);
            default -> Long.toString(bits);
        };
    }

    private static String formatFloat(float v) {
        return Float.isNaN(v) ? ".nan" : Float.isInfinite(v) ? (v > 0 ? ".inf" : "-.inf") : Float.toString(v);
    }

    private static String formatDouble(double v) {
        return Double.isNaN(v) ? ".nan" : Double.isInfinite(v) ? (v > 0 ? ".inf" : "-.inf") : Double.toString(v);
    }

    /** Single-quotes a string when YAML would otherwise read it differently. */
    private static String quote(String s) {
        boolean plain = !s.isEmpty() && s.equals(s.strip())
                && s.chars().allMatch(c -> Character.isLetterOrDigit(c) || "_-./ ".indexOf(c) >= 0)
                && !Character.isDigit(s.charAt(0)) && !s.startsWith("-") && !s.startsWith(".")
                && !List.of("true", "false", "null", "yes", "no", "on", "off", "~").contains(s.toLowerCase(java.util.Locale.ROOT));
        return plain ? s : "'" + s.replace("'", "''") + "'";
    }

    // ---------------------------------------------------------------- input

    /**
     * Parses {@code yaml} and sets the fields it names on {@code message}, all or nothing.
     *
     * @throws IllegalArgumentException naming the position or field path of the first error
     */
    public static void apply(String yaml, Message message) {
        Object tree = parse(yaml);
        Message scratch = message.type.newMessage();
        scratch.copyFrom(message);
        if (tree instanceof Scalar s && s.text().isEmpty() && !s.quoted()) {
            return; // empty document: nothing to set
        }
        if (!(tree instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(message.type + ": expected a mapping of field names to values, e.g. "
                    + "'{" + message.type.members[0].name() + ": ...}'");
        }
        applyMap(map, scratch, "");
        message.copyFrom(scratch);
    }

    private static void applyMap(Map<?, ?> map, Message m, String prefix) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = (String) e.getKey();
            Field f = null;
            for (Field candidate : m.type.members) {
                if (candidate.name().equals(key)) {
                    f = candidate;
                }
            }
            if (f == null) {
                StringBuilder names = new StringBuilder();
                for (Field candidate : m.type.members) {
                    names.append(names.isEmpty() ? "" : ", ").append(candidate.name());
                }
                throw new IllegalArgumentException(prefix + key + ": " + m.type + " has no such field (fields: " + names + ")");
            }
            applyField(f, e.getValue(), m, prefix + key);
        }
    }

    private static void applyField(Field f, Object value, Message m, String path) {
        if (f.arity() == Arity.SINGLE) {
            switch (f.kind()) {
                case MESSAGE -> {
                    Message child = m.child(f);
                    if (value instanceof Scalar s && s.text().equals("now")
                            && f.messageType().name().equals("builtin_interfaces/msg/Time")) {
                        long nanos = System.currentTimeMillis() * 1_000_000L;
                        child.setLong(child.type.field("sec"), nanos / 1_000_000_000L);
                        child.setLong(child.type.field("nanosec"), nanos % 1_000_000_000L);
                    } else if (value instanceof Map<?, ?> map) {
                        applyMap(map, child, path + ".");
                    } else {
                        throw new IllegalArgumentException(path + ": expected a mapping for " + f.typeSpelling());
                    }
                }
                case STRING -> m.setString(f, stringOf(value, path));
                default -> {
                    try {
                        long bits = Literals.scalarBits(f.kind(), scalarText(value, path));
                        m.scalars[m.scalarBase + f.scalarSlot] = bits;
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
                    }
                }
            }
            return;
        }
        if (!(value instanceof List<?> items)) {
            throw new IllegalArgumentException(path + ": expected a list for " + f.typeSpelling());
        }
        try {
            switch (f.kind()) {
                case MESSAGE -> {
                    MessageArray a = m.messages(f);
                    a.resize(items.size());
                    for (int i = 0; i < items.size(); i++) {
                        if (!(items.get(i) instanceof Map<?, ?> map)) {
                            throw new IllegalArgumentException(path + "[" + i + "]: expected a mapping");
                        }
                        applyMap(map, a.get(i), path + "[" + i + "].");
                    }
                }
                case STRING -> {
                    StringArray a = m.strings(f);
                    a.resize(items.size());
                    for (int i = 0; i < items.size(); i++) {
                        a.set(i, stringOf(items.get(i), path + "[" + i + "]"));
                    }
                }
                default -> {
                    PrimitiveArray a = m.primitives(f);
                    a.resize(items.size());
                    for (int i = 0; i < items.size(); i++) {
                        try {
                            setElement(a, i, scalarText(items.get(i), path + "[" + i + "]"));
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException(path + "[" + i + "]: " + e.getMessage(), e);
                        }
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(path)) {
                throw e;
            }
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    /** Sets element {@code i} from a literal, with the element type's range checks. */
    static void setElement(PrimitiveArray a, int i, String literal) {
        long bits = Literals.scalarBits(a.kind(), literal);
        switch (a.kind()) {
            case FLOAT32 -> a.floats[i] = Float.intBitsToFloat((int) bits);
            case FLOAT64 -> a.doubles[i] = Double.longBitsToDouble(bits);
            default -> {
                switch (a.kind().size()) {
                    case 1 -> a.bytes[i] = (byte) bits;
                    case 2 -> a.shorts[i] = (short) bits;
                    case 4 -> a.ints[i] = (int) bits;
                    default -> a.longs[i] = bits;
                }
            }
        }
    }

    private static String scalarText(Object value, String path) {
        if (value instanceof Scalar s) {
            return s.text();
        }
        throw new IllegalArgumentException(path + ": expected a single value, not a " + (value instanceof List ? "list" : "mapping"));
    }

    private static String stringOf(Object value, String path) {
        return scalarText(value, path);
    }

    // ---------------------------------------------------------------- parser

    /** Parses the YAML subset into maps, lists and {@link Scalar}s. */
    static Object parse(String yaml) {
        String text = yaml.strip();
        if (text.startsWith("{") || text.startsWith("[")) {
            Flow p = new Flow(text);
            Object v = p.value();
            p.skipSpace();
            if (p.pos != text.length()) {
                throw p.error("unexpected text after the value");
            }
            return v;
        }
        List<String> lines = new ArrayList<>();
        for (String line : yaml.split("\r?\n")) {
            String stripped = stripComment(line);
            if (!stripped.isBlank()) {
                lines.add(stripped);
            }
        }
        if (lines.isEmpty()) {
            return new Scalar("", false);
        }
        if (lines.size() == 1 && !lines.get(0).contains(":") && !lines.get(0).strip().startsWith("-")) {
            return scalar(lines.get(0).strip());
        }
        int[] at = {0};
        Object v = block(lines, at, indentOf(lines.get(0)));
        if (at[0] != lines.size()) {
            throw new IllegalArgumentException("YAML line '" + lines.get(at[0]).strip() + "' is indented inconsistently");
        }
        return v;
    }

    private static Object block(List<String> lines, int[] at, int indent) {
        String first = lines.get(at[0]).strip();
        if (first.startsWith("- ") || first.equals("-")) {
            List<Object> list = new ArrayList<>();
            while (at[0] < lines.size() && indentOf(lines.get(at[0])) == indent && lines.get(at[0]).strip().startsWith("-")) {
                String item = lines.get(at[0]).strip().substring(1).strip();
                if (item.isEmpty()) {
                    at[0]++;
                    list.add(block(lines, at, indentOf(lines.get(at[0]))));
                } else if (isKeyValue(item)) {
                    // "- key: value" starts a mapping whose further keys are indented to the key
                    int keyIndent = indent + lines.get(at[0]).strip().indexOf(item);
                    lines.set(at[0], " ".repeat(keyIndent) + item);
                    list.add(block(lines, at, keyIndent));
                } else {
                    list.add(inlineValue(item));
                    at[0]++;
                }
            }
            return list;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        while (at[0] < lines.size() && indentOf(lines.get(at[0])) == indent) {
            String line = lines.get(at[0]).strip();
            int colon = keyColon(line);
            if (colon < 0) {
                throw new IllegalArgumentException("YAML line '" + line + "' is not 'key: value'");
            }
            String key = unquoteKey(line.substring(0, colon).strip());
            String rest = line.substring(colon + 1).strip();
            at[0]++;
            Object value;
            if (!rest.isEmpty()) {
                value = inlineValue(rest);
            } else if (at[0] < lines.size() && indentOf(lines.get(at[0])) > indent) {
                value = block(lines, at, indentOf(lines.get(at[0])));
            } else if (at[0] < lines.size() && indentOf(lines.get(at[0])) == indent
                    && lines.get(at[0]).strip().startsWith("-")) {
                value = block(lines, at, indent); // a list at the key's own indentation
            } else {
                value = new Scalar("", false);
            }
            if (map.put(key, value) != null) {
                throw new IllegalArgumentException("YAML key '" + key + "' appears twice");
            }
        }
        return map;
    }

    private static boolean isKeyValue(String s) {
        return keyColon(s) > 0 && !s.startsWith("{") && !s.startsWith("[") && !s.startsWith("'") && !s.startsWith("\"");
    }

    /** Index of the colon ending a plain key ("key: value" or "key:"), or -1. */
    private static int keyColon(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == ':' && (i + 1 == line.length() || line.charAt(i + 1) == ' ')) {
                return i;
            }
            if (c == '{' || c == '[' || c == '\'' || c == '"') {
                return -1;
            }
        }
        return -1;
    }

    private static Object inlineValue(String text) {
        if (text.startsWith("{") || text.startsWith("[")) {
            Flow p = new Flow(text);
            Object v = p.value();
            p.skipSpace();
            if (p.pos != text.length()) {
                throw p.error("unexpected text after the value");
            }
            return v;
        }
        return scalar(text);
    }

    private static Scalar scalar(String text) {
        if (text.length() >= 2 && (text.startsWith("'") && text.endsWith("'"))) {
            return new Scalar(text.substring(1, text.length() - 1).replace("''", "'"), true);
        }
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            return new Scalar(Literals.unquote(text), true);
        }
        return new Scalar(text, false);
    }

    private static String unquoteKey(String key) {
        return scalar(key).text();
    }

    private static int indentOf(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        if (i < line.length() && line.charAt(i) == '\t') {
            throw new IllegalArgumentException("YAML does not allow tabs for indentation: '" + line.strip() + "'");
        }
        return i;
    }

    private static String stripComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '#' && (i == 0 || line.charAt(i - 1) == ' ')) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** Recursive-descent parser for flow-style YAML. */
    private static final class Flow {
        private final String text;
        private int pos;

        Flow(String text) {
            this.text = text;
        }

        Object value() {
            skipSpace();
            if (pos >= text.length()) {
                throw error("a value is missing");
            }
            char c = text.charAt(pos);
            if (c == '{') {
                return mapping();
            }
            if (c == '[') {
                return sequence();
            }
            return scalarToken(false);
        }

        private Map<String, Object> mapping() {
            pos++; // {
            Map<String, Object> map = new LinkedHashMap<>();
            skipSpace();
            if (peek() == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipSpace();
                Scalar key = scalarToken(true);
                skipSpace();
                if (peek() != ':') {
                    throw error("expected ':' after key '" + key.text() + "'");
                }
                pos++;
                Object v = value();
                if (map.put(key.text(), v) != null) {
                    throw error("key '" + key.text() + "' appears twice");
                }
                skipSpace();
                char c = peek();
                pos++;
                if (c == '}') {
                    return map;
                }
                if (c != ',') {
                    throw error("expected ',' or '}' in a mapping");
                }
            }
        }

        private List<Object> sequence() {
            pos++; // [
            List<Object> list = new ArrayList<>();
            skipSpace();
            if (peek() == ']') {
                pos++;
                return list;
            }
            while (true) {
                list.add(value());
                skipSpace();
                char c = peek();
                pos++;
                if (c == ']') {
                    return list;
                }
                if (c != ',') {
                    throw error("expected ',' or ']' in a list");
                }
            }
        }

        private Scalar scalarToken(boolean key) {
            char c = peek();
            if (c == '\'' || c == '"') {
                int start = pos++;
                while (pos < text.length()) {
                    char d = text.charAt(pos);
                    if (c == '"' && d == '\\') {
                        pos += 2;
                        continue;
                    }
                    if (d == c) {
                        if (c == '\'' && pos + 1 < text.length() && text.charAt(pos + 1) == '\'') {
                            pos += 2;
                            continue;
                        }
                        pos++;
                        return scalar(text.substring(start, pos));
                    }
                    pos++;
                }
                throw error("unterminated quoted string");
            }
            int start = pos;
            while (pos < text.length()) {
                char d = text.charAt(pos);
                if (d == ',' || d == '}' || d == ']' || (key && d == ':')
                        || (!key && d == ':' && pos + 1 < text.length() && text.charAt(pos + 1) == ' ')) {
                    break;
                }
                pos++;
            }
            return new Scalar(text.substring(start, pos).strip(), false);
        }

        void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private char peek() {
            if (pos >= text.length()) {
                throw error("the text ends early");
            }
            return text.charAt(pos);
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("YAML error at column " + (pos + 1) + " of '" + text + "': " + what);
        }
    }
}
