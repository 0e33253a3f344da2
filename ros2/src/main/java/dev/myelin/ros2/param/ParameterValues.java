package dev.myelin.ros2.param;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Java values of parameters: {@code Boolean}, {@code Long}, {@code Double}, {@code String},
 * {@code byte[]}, and {@code List<Boolean|Long|Double|String>} for the array types.
 */
public final class ParameterValues {
    private ParameterValues() {
    }

    /** The type of a Java value, or null when it is none of the parameter types. */
    public static ParameterType typeOf(Object v) {
        if (v instanceof Boolean) {
            return ParameterType.BOOL;
        }
        if (v instanceof Long || v instanceof Integer) {
            return ParameterType.INTEGER;
        }
        if (v instanceof Double || v instanceof Float) {
            return ParameterType.DOUBLE;
        }
        if (v instanceof String) {
            return ParameterType.STRING;
        }
        if (v instanceof byte[]) {
            return ParameterType.BYTE_ARRAY;
        }
        if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                return ParameterType.STRING_ARRAY;
            }
            Object first = l.getFirst();
            ParameterType t = first instanceof Boolean ? ParameterType.BOOL_ARRAY
                    : first instanceof Long ? ParameterType.INTEGER_ARRAY
                    : first instanceof Double ? ParameterType.DOUBLE_ARRAY
                    : first instanceof String ? ParameterType.STRING_ARRAY : null;
            if (t != null) {
                for (Object o : l) {
                    if (o == null || o.getClass() != first.getClass()) {
                        return null;
                    }
                }
            }
            return t;
        }
        return null;
    }

    /** Whether two values are equal (arrays by content). */
    public static boolean same(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        return java.util.Objects.equals(a, b);
    }

    /** The value as {@code ros2 param get} prints it. */
    public static String format(Object v) {
        if (v instanceof byte[] b) {
            List<Integer> l = new ArrayList<>();
            for (byte x : b) {
                l.add(x & 0xff);
            }
            return l.toString();
        }
        if (v instanceof String s) {
            return s;
        }
        return String.valueOf(v);
    }
}
