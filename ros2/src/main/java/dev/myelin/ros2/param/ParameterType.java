package dev.myelin.ros2.param;

/** rcl_interfaces' {@code ParameterType} tags and the Java value each holds. */
public enum ParameterType {
    NOT_SET(0), BOOL(1), INTEGER(2), DOUBLE(3), STRING(4), BYTE_ARRAY(5), BOOL_ARRAY(6), INTEGER_ARRAY(7),
    DOUBLE_ARRAY(8), STRING_ARRAY(9);

    private final int code;

    ParameterType(int code) {
        this.code = code;
    }

    /** The wire code ({@code ParameterValue.type}). */
    public int code() {
        return code;
    }

    /** The type of that wire code. */
    public static ParameterType ofCode(int code) {
        for (ParameterType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("parameter type code " + code + " is not one of 0..9");
    }

    /** The name as {@code ros2 param describe} prints it, e.g. {@code double array}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
