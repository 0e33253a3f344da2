package dev.myelin.ros2.msg;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code .msg} definition (ROS 2 interface definition, "Messages" section of the rosidl
 * design): fields {@code TYPE NAME [DEFAULT]} and constants {@code TYPE NAME=VALUE}, one per line,
 * {@code #} comments. Types are primitives, {@code string} / {@code string<=N}, or other messages
 * ({@code pkg/Name}, {@code pkg/msg/Name}, a bare {@code Name} of the same package, and
 * {@code Header} for {@code std_msgs/msg/Header}), each optionally {@code [N]}, {@code []} or
 * {@code [<=N]}. Nested type names are resolved to full names here but checked for existence only
 * when the type is compiled by {@link MessageTypes}.
 *
 * @param name full type name, {@code pkg/msg/Name}
 * @param fields fields in declaration order (never empty: a definition without fields gets the
 *        {@code uint8 structure_needs_at_least_one_member} rosidl adds)
 * @param constants constants in declaration order
 * @param text the definition as given
 */
public record MessageDefinition(String name, List<FieldSpec> fields, List<Constant> constants, String text) {

    /**
     * One declared field.
     *
     * @param name field name
     * @param kind element kind
     * @param typeName full nested type name for {@link FieldKind#MESSAGE}, else null
     * @param stringBound maximum string length in bytes for {@code string<=N}, 0 when unbounded
     * @param arity single value, fixed array or sequence
     * @param length array length, sequence bound ({@code 0} for unbounded sequences)
     * @param defaultValue default literal as written, or null
     * @param line 1-based line number
     */
    public record FieldSpec(String name, FieldKind kind, String typeName, int stringBound, Arity arity, int length,
                            String defaultValue, int line) {
    }

    /** A named constant; {@code value} is the literal as written (strings unquoted). */
    public record Constant(String name, FieldKind kind, String value) {
    }

    /** Same fields (names, types, bounds, defaults) and constants, however the text was written. */
    public boolean sameStructure(MessageDefinition other) {
        if (!name.equals(other.name) || !constants.equals(other.constants) || fields.size() != other.fields.size()) {
            return false;
        }
        for (int i = 0; i < fields.size(); i++) {
            FieldSpec a = fields.get(i);
            FieldSpec b = other.fields.get(i);
            if (!a.name().equals(b.name()) || a.kind() != b.kind() || !java.util.Objects.equals(a.typeName(), b.typeName())
                    || a.stringBound() != b.stringBound() || a.arity() != b.arity() || a.length() != b.length()
                    || !java.util.Objects.equals(a.defaultValue(), b.defaultValue())) {
                return false;
            }
        }
        return true;
    }

    private static final Pattern FIELD_NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern CONSTANT_NAME = Pattern.compile("[A-Z][A-Z0-9_]*");
    private static final Pattern CONSTANT = Pattern.compile("([A-Za-z][A-Za-z0-9_]*)\\s*=(.*)");
    private static final Pattern TYPE = Pattern.compile(
            "(?<base>[A-Za-z][A-Za-z0-9_]*(?:/[A-Za-z][A-Za-z0-9_]*){0,2})(?:<=(?<sbound>[0-9]+))?"
                    + "(?:\\[(?<arr>(?:<=)?[0-9]*)\\])?");
    private static final Pattern PACKAGE = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern TYPE_SHORT_NAME = Pattern.compile("[A-Z][A-Za-z0-9]*");
    private static final Pattern SERVICE_HALF = Pattern.compile("[A-Z][A-Za-z0-9]*_(Request|Response)");

    /**
     * Parses a definition.
     *
     * @param fullName the type's full name, {@code pkg/msg/Name}, or {@code pkg/srv/Name_Request} /
     *                 {@code pkg/srv/Name_Response} for one half of a service
     * @throws MessageDefinitionException naming the type and line of the first error
     */
    public static MessageDefinition parse(String fullName, String text) {
        String[] parts = fullName.split("/");
        boolean message = parts.length == 3 && parts[1].equals("msg") && TYPE_SHORT_NAME.matcher(parts[2]).matches();
        boolean serviceHalf = parts.length == 3 && parts[1].equals("srv") && SERVICE_HALF.matcher(parts[2]).matches();
        if (!(message || serviceHalf) || !PACKAGE.matcher(parts[0]).matches()) {
            throw new MessageDefinitionException("'" + fullName + "' is not a message type name of the form pkg/msg/Name"
                    + " (or pkg/srv/Name_Request, pkg/srv/Name_Response)");
        }
        String pkg = parts[0];
        List<FieldSpec> fields = new ArrayList<>();
        List<Constant> constants = new ArrayList<>();
        Set<String> names = new HashSet<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = stripComment(lines[i]).strip();
            if (line.isEmpty()) {
                continue;
            }
            int space = indexOfWhitespace(line);
            if (space < 0) {
                throw error(fullName, lineNo, "expected 'TYPE NAME', found '" + line + "'");
            }
            String typeToken = line.substring(0, space);
            String rest = line.substring(space).strip();
            Matcher constant = CONSTANT.matcher(rest);
            if (constant.matches()) {
                String constName = constant.group(1);
                String value = constant.group(2).strip();
                if (!CONSTANT_NAME.matcher(constName).matches()) {
                    throw error(fullName, lineNo, "constant name '" + constName + "' must be upper case (A-Z, 0-9, _)");
                }
                FieldKind kind = typeToken.matches("string(<=[0-9]+)?") ? FieldKind.STRING : FieldKind.ofRosName(typeToken);
                if (kind == null) {
                    throw error(fullName, lineNo, "constant '" + constName + "' must have a primitive or string type, not '"
                            + typeToken + "'");
                }
                if (!names.add(constName)) {
                    throw error(fullName, lineNo, "duplicate name '" + constName + "'");
                }
                try {
                    Literals.check(kind, value, 0, Arity.SINGLE, 0);
                } catch (IllegalArgumentException e) {
                    throw error(fullName, lineNo, "constant '" + constName + "': " + e.getMessage());
                }
                constants.add(new Constant(constName, kind, kind == FieldKind.STRING ? Literals.unquote(value) : value));
                continue;
            }
            int restSpace = indexOfWhitespace(rest);
            String fieldName;
            String defaultValue = null;
            if (restSpace < 0) {
                fieldName = rest;
            } else {
                fieldName = rest.substring(0, restSpace);
                defaultValue = rest.substring(restSpace).strip();
            }
            if (!FIELD_NAME.matcher(fieldName).matches() || fieldName.contains("__") || fieldName.endsWith("_")) {
                throw error(fullName, lineNo, "field name '" + fieldName
                        + "' must start with a lower-case letter, use only a-z, 0-9 and single underscores, and not end with _");
            }
            if (!names.add(fieldName)) {
                throw error(fullName, lineNo, "duplicate field '" + fieldName + "'");
            }
            fields.add(parseField(fullName, pkg, lineNo, typeToken, fieldName, defaultValue));
        }
        if (fields.isEmpty()) {
            fields.add(new FieldSpec("structure_needs_at_least_one_member", FieldKind.UINT8, null, 0, Arity.SINGLE, 0,
                    null, 0));
        }
        return new MessageDefinition(fullName, List.copyOf(fields), List.copyOf(constants), text);
    }

    private static FieldSpec parseField(String fullName, String pkg, int lineNo, String typeToken, String fieldName,
                                        String defaultValue) {
        Matcher m = TYPE.matcher(typeToken);
        if (!m.matches()) {
            throw error(fullName, lineNo, "malformed type '" + typeToken + "' of field '" + fieldName + "'");
        }
        String base = m.group("base");
        String sbound = m.group("sbound");
        String arr = m.group("arr");
        FieldKind kind;
        String typeName = null;
        int stringBound = 0;
        if (base.equals("string")) {
            kind = FieldKind.STRING;
            if (sbound != null) {
                stringBound = positive(fullName, lineNo, sbound, "string bound");
            }
        } else if (sbound != null) {
            throw error(fullName, lineNo, "only strings take a '<=N' bound, not '" + base + "'");
        } else if (base.equals("wstring")) {
            throw error(fullName, lineNo, "wstring (field '" + fieldName + "') is not supported; use string");
        } else if (base.equals("time") || base.equals("duration")) {
            throw error(fullName, lineNo, "'" + base + "' is ROS 1; use builtin_interfaces/" + (base.equals("time") ? "Time" : "Duration"));
        } else if ((kind = FieldKind.ofRosName(base)) != null) {
            // primitive
        } else {
            kind = FieldKind.MESSAGE;
            typeName = resolveTypeName(fullName, pkg, lineNo, base);
        }
        Arity arity = Arity.SINGLE;
        int length = 0;
        if (arr != null) {
            if (arr.isEmpty()) {
                arity = Arity.SEQUENCE;
            } else if (arr.startsWith("<=")) {
                arity = Arity.SEQUENCE;
                length = positive(fullName, lineNo, arr.substring(2), "sequence bound");
            } else {
                arity = Arity.ARRAY;
                length = positive(fullName, lineNo, arr, "array length");
            }
        }
        if (defaultValue != null) {
            if (kind == FieldKind.MESSAGE) {
                throw error(fullName, lineNo, "field '" + fieldName + "' of message type cannot have a default value");
            }
            try {
                Literals.check(kind, defaultValue, stringBound, arity, length);
            } catch (IllegalArgumentException e) {
                throw error(fullName, lineNo, "default of field '" + fieldName + "': " + e.getMessage());
            }
        }
        return new FieldSpec(fieldName, kind, typeName, stringBound, arity, length, defaultValue, lineNo);
    }

    private static String resolveTypeName(String fullName, String pkg, int lineNo, String base) {
        String[] parts = base.split("/");
        String name;
        String typePkg;
        if (parts.length == 1) {
            typePkg = base.equals("Header") ? "std_msgs" : pkg;
            name = parts[0];
        } else if (parts.length == 2) {
            typePkg = parts[0];
            name = parts[1];
        } else {
            if (!parts[1].equals("msg")) {
                throw error(fullName, lineNo, "type '" + base + "' is not a message (expected pkg/msg/Name)");
            }
            typePkg = parts[0];
            name = parts[2];
        }
        if (!PACKAGE.matcher(typePkg).matches() || !TYPE_SHORT_NAME.matcher(name).matches()) {
            throw error(fullName, lineNo, "'" + base + "' is neither a primitive type nor a message type name");
        }
        return typePkg + "/msg/" + name;
    }

    private static int positive(String fullName, int lineNo, String digits, String what) {
        try {
            int n = Integer.parseInt(digits);
            if (n < 1) {
                throw error(fullName, lineNo, what + " must be at least 1, not " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw error(fullName, lineNo, what + " '" + digits + "' is not a number");
        }
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Removes a {@code #} comment that is not inside a quoted string. */
    private static String stripComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '#') {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static MessageDefinitionException error(String type, int line, String what) {
        return new MessageDefinitionException(type + " line " + line + ": " + what);
    }
}
