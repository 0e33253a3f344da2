package dev.myelin.ros2.msg;

/**
 * The element type of a message field, as written in a {@code .msg} file. Sizes are the CDR and
 * C sizes; {@code byte} maps to IDL {@code octet} and {@code char} to IDL {@code uint8}, as rosidl
 * does.
 */
public enum FieldKind {
    BOOL("bool", 1, false, false),
    BYTE("byte", 1, false, false),
    CHAR("char", 1, false, false),
    INT8("int8", 1, true, false),
    UINT8("uint8", 1, false, false),
    INT16("int16", 2, true, false),
    UINT16("uint16", 2, false, false),
    INT32("int32", 4, true, false),
    UINT32("uint32", 4, false, false),
    INT64("int64", 8, true, false),
    UINT64("uint64", 8, false, false),
    FLOAT32("float32", 4, true, true),
    FLOAT64("float64", 8, true, true),
    STRING("string", 0, false, false),
    MESSAGE("", 0, false, false);

    private final String rosName;
    private final int size;
    private final boolean signed;
    private final boolean floatingPoint;

    FieldKind(String rosName, int size, boolean signed, boolean floatingPoint) {
        this.rosName = rosName;
        this.size = size;
        this.signed = signed;
        this.floatingPoint = floatingPoint;
    }

    /** The primitive's name in {@code .msg} syntax; empty for {@link #MESSAGE}. */
    public String rosName() {
        return rosName;
    }

    /** Size in bytes of one primitive value; 0 for strings and messages. */
    public int size() {
        return size;
    }

    public boolean isPrimitive() {
        return this != STRING && this != MESSAGE;
    }

    /** Any primitive except bool. */
    public boolean isNumeric() {
        return isPrimitive() && this != BOOL;
    }

    public boolean isInteger() {
        return isNumeric() && !floatingPoint;
    }

    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    public boolean isSigned() {
        return signed;
    }

    /** The primitive kind named {@code name} in a {@code .msg} file, or null. */
    public static FieldKind ofRosName(String name) {
        for (FieldKind k : values()) {
            if (k.isPrimitive() && k.rosName.equals(name)) {
                return k;
            }
        }
        return null;
    }
}
