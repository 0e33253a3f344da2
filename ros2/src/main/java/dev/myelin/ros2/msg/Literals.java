package dev.myelin.ros2.msg;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Values written as text: {@code .msg} defaults and constants, and scalars in YAML. Primitive
 * values are carried as "scalar bits": integers as their value in a {@code long} (unsigned 32-bit
 * zero-extended, {@code uint64} as raw bits), {@code bool} as 0/1, {@code float32} as
 * {@link Float#floatToRawIntBits} and {@code float64} as {@link Double#doubleToRawLongBits}.
 */
final class Literals {
    private Literals() {
    }

    /** Validates a literal (array literal {@code [a, b]} for arrays and sequences). */
    static void check(FieldKind kind, String text, int stringBound, Arity arity, int length) {
        if (arity == Arity.SINGLE) {
            if (kind == FieldKind.STRING) {
                checkString(unquote(text), stringBound);
            } else {
                scalarBits(kind, text);
            }
            return;
        }
        List<String> items = splitArray(text);
        if (arity == Arity.ARRAY && items.size() != length) {
            throw new IllegalArgumentException("array of " + length + " elements given " + items.size() + " values");
        }
        if (arity == Arity.SEQUENCE && length > 0 && items.size() > length) {
            throw new IllegalArgumentException("sequence bounded to " + length + " elements given " + items.size() + " values");
        }
        for (String item : items) {
            check(kind, item, stringBound, Arity.SINGLE, 0);
        }
    }

    static void checkString(String value, int bound) {
        if (bound > 0) {
            int bytes = value.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > bound) {
                throw new IllegalArgumentException("string of " + bytes + " bytes exceeds its bound of " + bound);
            }
        }
    }

    /** Parses one primitive literal into scalar bits, checking the range of the kind. */
    static long scalarBits(FieldKind kind, String text) {
        String t = text.strip();
        switch (kind) {
            case BOOL -> {
                return switch (t) {
                    case "true", "True", "TRUE", "1" -> 1L;
                    case "false", "False", "FALSE", "0" -> 0L;
                    default -> throw new IllegalArgumentException("'" + t + "' is not a bool (true/false)");
                };
            }
            case FLOAT32 -> {
                double d = parseDouble(t);
                // parse decimal text as float directly: narrowing a double can round twice
                float f = Double.isFinite(d) ? Float.parseFloat(t.replace("_", "")) : (float) d;
                return Float.floatToRawIntBits(f) & 0xffffffffL;
            }
            case FLOAT64 -> {
                return Double.doubleToRawLongBits(parseDouble(t));
            }
            default -> {
                if (!kind.isInteger()) {
                    throw new IllegalArgumentException(kind + " has no scalar value");
                }
                return integerBits(kind, t);
            }
        }
    }

    /** Checks that {@code value} fits {@code kind} and returns it as scalar bits. */
    static long checkedInteger(FieldKind kind, long value, Object what) {
        long min;
        long max;
        switch (kind) {
            case INT8 -> { min = Byte.MIN_VALUE; max = Byte.MAX_VALUE; }
            case BYTE, CHAR, UINT8 -> { min = 0; max = 0xff; }
            case INT16 -> { min = Short.MIN_VALUE; max = Short.MAX_VALUE; }
            case UINT16 -> { min = 0; max = 0xffff; }
            case INT32 -> { min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; }
            case UINT32 -> { min = 0; max = 0xffffffffL; }
            case INT64, UINT64 -> { return value; }
            default -> throw new IllegalArgumentException(what + " is " + kind.rosName() + ", not an integer");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + ": " + value + " is outside the range of " + kind.rosName()
                    + " [" + min + ", " + max + "]");
        }
        return value;
    }

    private static long integerBits(FieldKind kind, String t) {
        String digits = t.replace("_", "");
        try {
            if (kind == FieldKind.UINT64) {
                if (digits.startsWith("-")) {
                    throw new IllegalArgumentException("'" + t + "' is negative but uint64 is unsigned");
                }
                return digits.startsWith("0x") || digits.startsWith("0X")
                        ? Long.parseUnsignedLong(digits.substring(2), 16) : Long.parseUnsignedLong(digits);
            }
            long v;
            if (digits.startsWith("0x") || digits.startsWith("0X")) {
                v = Long.parseLong(digits.substring(2), 16);
            } else if (digits.startsWith("-0x") || digits.startsWith("-0X")) {
                v = -Long.parseLong(digits.substring(3), 16);
            } else {
                v = Long.parseLong(digits);
            }
            return checkedInteger(kind, v, "value");
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + t + "' is not a " + kind.rosName() + " integer");
        }
    }

    private static double parseDouble(String t) {
        switch (t.toLowerCase(java.util.Locale.ROOT)) {
            case "nan", ".nan" -> {
                return Double.NaN;
            }
            case "inf", "+inf", ".inf", "+.inf", "infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-.inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
                try {
                    return Double.parseDouble(t.replace("_", ""));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + t + "' is not a number");
                }
            }
        }
    }

    /** Removes surrounding quotes and resolves backslash escapes; unquoted text is returned as is. */
    static String unquote(String text) {
        String t = text.strip();
        if (t.length() >= 2 && (t.charAt(0) == '"' || t.charAt(0) == '\'') && t.charAt(t.length() - 1) == t.charAt(0)) {
            StringBuilder sb = new StringBuilder(t.length());
            for (int i = 1; i < t.length() - 1; i++) {
                char c = t.charAt(i);
                if (c == '\\' && i + 1 < t.length() - 1) {
                    char n = t.charAt(++i);
                    sb.append(switch (n) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        case '0' -> '\0';
                        default -> n;
                    });
                } else {
                    sb.append(c);
                }
            }
            return sb.toString();
        }
        return t;
    }

    /** Splits {@code [a, b, "c,d"]} into its items, respecting quotes. */
    static List<String> splitArray(String text) {
        String t = text.strip();
        if (t.length() < 2 || t.charAt(0) != '[' || t.charAt(t.length() - 1) != ']') {
            throw new IllegalArgumentException("'" + t + "' is not an array literal [a, b, ...]");
        }
        String body = t.substring(1, t.length() - 1).strip();
        List<String> items = new ArrayList<>();
        if (body.isEmpty()) {
            return items;
        }
        char quote = 0;
        int start = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == ',') {
                items.add(body.substring(start, i).strip());
                start = i + 1;
            }
        }
        items.add(body.substring(start).strip());
        return items;
    }
}
