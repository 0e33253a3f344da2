package dev.myelin.ros2.msg;

import java.util.Arrays;
import java.util.Objects;

/**
 * The value of a primitive array ({@code float64[36]}) or sequence ({@code float32[]},
 * {@code uint8[<=16]}) field, stored in one primitive Java array of the element's width. The
 * backing array is exposed ({@link #floatArray()} and friends) for bulk work without copies; it
 * may be longer than {@link #size()}. Capacity only grows, so a steady stream of same-sized
 * messages allocates nothing.
 *
 * <p>Not thread-safe; belongs to its {@link Message}.
 */
public final class PrimitiveArray {
    private final FieldKind kind;
    private final boolean fixedLength;
    private final int bound;
    private final Object what;
    private int size;
    byte[] bytes;
    short[] shorts;
    int[] ints;
    long[] longs;
    float[] floats;
    double[] doubles;

    PrimitiveArray(FieldKind kind, Arity arity, int length, Object what) {
        if (!kind.isPrimitive()) {
            throw new IllegalArgumentException(kind + " is not primitive");
        }
        this.kind = kind;
        this.fixedLength = arity == Arity.ARRAY;
        this.bound = length;
        this.what = what;
        allocate(fixedLength ? length : 0);
        this.size = fixedLength ? length : 0;
    }

    public FieldKind kind() {
        return kind;
    }

    public int size() {
        return size;
    }

    /** True for {@code T[N]} arrays, whose size never changes. */
    public boolean isFixedLength() {
        return fixedLength;
    }

    /** Array length, sequence bound, or 0 for an unbounded sequence. */
    public int bound() {
        return bound;
    }

    /**
     * Sets the number of elements. New elements are zero. Arrays accept only their fixed length,
     * bounded sequences at most their bound.
     */
    public void resize(int n) {
        checkSize(n);
        if (n > capacity()) {
            grow(n);
        } else if (n > size) {
            clearRange(size, n);
        }
        size = n;
    }

    /** Resize without clearing, for decoders that overwrite every element. */
    void setSizeForOverwrite(int n) {
        if (n > capacity()) {
            grow(n);
        }
        size = n;
    }

    private void checkSize(int n) {
        if (n < 0) {
            throw new IllegalArgumentException(what + ": negative size " + n);
        }
        if (fixedLength && n != bound) {
            throw new IllegalArgumentException(what + ": array has fixed length " + bound + ", cannot hold " + n);
        }
        if (!fixedLength && bound > 0 && n > bound) {
            throw new IllegalArgumentException(what + ": sequence holds at most " + bound + " elements, not " + n);
        }
    }

    /** Element {@code i} as a double (any numeric kind; bool as 0/1; uint64 above 2^63 as its unsigned value). */
    public double getDouble(int i) {
        Objects.checkIndex(i, size);
        return switch (kind) {
            case FLOAT64 -> doubles[i];
            case FLOAT32 -> floats[i];
            case UINT64 -> unsignedToDouble(longs[i]);
            default -> getLongUnchecked(i);
        };
    }

    /** Sets element {@code i} of a {@code float32} or {@code float64} array. */
    public void setDouble(int i, double v) {
        Objects.checkIndex(i, size);
        switch (kind) {
            case FLOAT64 -> doubles[i] = v;
            case FLOAT32 -> floats[i] = (float) v;
            default -> throw new IllegalArgumentException(what + " holds " + kind.rosName() + "; use setLong");
        }
    }

    public float getFloat(int i) {
        Objects.checkIndex(i, size);
        return switch (kind) {
            case FLOAT32 -> floats[i];
            case FLOAT64 -> (float) doubles[i];
            default -> throw new IllegalArgumentException(what + " holds " + kind.rosName() + ", not floating point");
        };
    }

    public void setFloat(int i, float v) {
        setDouble(i, v);
    }

    /** Element {@code i} of an integer array; unsigned kinds are zero-extended, {@code uint64} is raw bits. */
    public long getLong(int i) {
        Objects.checkIndex(i, size);
        if (!kind.isInteger()) {
            throw new IllegalArgumentException(what + " holds " + kind.rosName() + ", not integers");
        }
        return getLongUnchecked(i);
    }

    /** Sets element {@code i} of an integer array, checking the value fits the element type. */
    public void setLong(int i, long v) {
        Objects.checkIndex(i, size);
        if (!kind.isInteger()) {
            throw new IllegalArgumentException(what + " holds " + kind.rosName() + ", not integers");
        }
        Literals.checkedInteger(kind, v, what);
        switch (kind.size()) {
            case 1 -> bytes[i] = (byte) v;
            case 2 -> shorts[i] = (short) v;
            case 4 -> ints[i] = (int) v;
            default -> longs[i] = v;
        }
    }

    public boolean getBoolean(int i) {
        Objects.checkIndex(i, size);
        if (kind != FieldKind.BOOL) {
            throw new IllegalArgumentException(what + " holds " + kind.rosName() + ", not bool");
        }
        return bytes[i] != 0;
    }

    public void setBoolean(int i, boolean v) {
        Objects.checkIndex(i, size);
        if (kind != FieldKind.BOOL) {
            throw new IllegalArgumentException(what + " holds " + kind.rosName() + ", not bool");
        }
        bytes[i] = v ? (byte) 1 : (byte) 0;
    }

    /** Resizes to {@code count} and copies {@code src[offset..offset+count)} into a {@code float32} array. */
    public void setFloats(float[] src, int offset, int count) {
        requireKind(FieldKind.FLOAT32);
        resize(count);
        System.arraycopy(src, offset, floats, 0, count);
    }

    /** Resizes to {@code count} and copies {@code src[offset..offset+count)} into a {@code float64} array. */
    public void setDoubles(double[] src, int offset, int count) {
        requireKind(FieldKind.FLOAT64);
        resize(count);
        System.arraycopy(src, offset, doubles, 0, count);
    }

    /** Backing array of a {@code float32} field; elements {@code [0, size())} are the value. */
    public float[] floatArray() {
        requireKind(FieldKind.FLOAT32);
        return floats;
    }

    /** Backing array of a {@code float64} field. */
    public double[] doubleArray() {
        requireKind(FieldKind.FLOAT64);
        return doubles;
    }

    /** Backing array of an {@code int32} or {@code uint32} field. */
    public int[] intArray() {
        if (kind != FieldKind.INT32 && kind != FieldKind.UINT32) {
            throw new IllegalArgumentException(what + " holds " + kind.rosName() + ", not int32/uint32");
        }
        return ints;
    }

    /** Backing array of an {@code int64} or {@code uint64} field. */
    public long[] longArray() {
        if (kind != FieldKind.INT64 && kind != FieldKind.UINT64) {
            throw new IllegalArgumentException(what + " holds " + kind.rosName() + ", not int64/uint64");
        }
        return longs;
    }

    /** Backing array of an {@code int16} or {@code uint16} field. */
    public short[] shortArray() {
        if (kind.size() != 2) {
            throw new IllegalArgumentException(what + " holds " + kind.rosName() + ", not int16/uint16");
        }
        return shorts;
    }

    /** Backing array of a one-byte field ({@code bool} as 0/1, {@code byte}, {@code char}, {@code int8}, {@code uint8}). */
    public byte[] byteArray() {
        if (kind.size() != 1) {
            throw new IllegalArgumentException(what + " holds " + kind.rosName() + ", not one-byte values");
        }
        return bytes;
    }

    /** Copies size and elements from another array of the same element kind. */
    public void copyFrom(PrimitiveArray other) {
        if (other.kind != kind) {
            throw new IllegalArgumentException(what + ": cannot copy " + other.kind.rosName() + " into " + kind.rosName());
        }
        resize(other.size);
        switch (kind.size()) {
            case 1 -> System.arraycopy(other.bytes, 0, bytes, 0, size);
            case 2 -> System.arraycopy(other.shorts, 0, shorts, 0, size);
            case 4 -> {
                if (kind == FieldKind.FLOAT32) {
                    System.arraycopy(other.floats, 0, floats, 0, size);
                } else {
                    System.arraycopy(other.ints, 0, ints, 0, size);
                }
            }
            default -> {
                if (kind == FieldKind.FLOAT64) {
                    System.arraycopy(other.doubles, 0, doubles, 0, size);
                } else {
                    System.arraycopy(other.longs, 0, longs, 0, size);
                }
            }
        }
    }

    /** Back to the state of a new message: sequences empty, arrays zero. */
    void clear() {
        clearRange(0, capacity());
        size = fixedLength ? bound : 0;
    }

    long getLongUnchecked(int i) {
        return switch (kind) {
            case BOOL, BYTE, CHAR, UINT8 -> Byte.toUnsignedLong(bytes[i]);
            case INT8 -> bytes[i];
            case INT16 -> shorts[i];
            case UINT16 -> Short.toUnsignedLong(shorts[i]);
            case INT32 -> ints[i];
            case UINT32 -> Integer.toUnsignedLong(ints[i]);
            case INT64, UINT64 -> longs[i];
            case FLOAT32 -> (long) floats[i];
            case FLOAT64 -> (long) doubles[i];
            default -> throw new IllegalStateException();
        };
    }

    static double unsignedToDouble(long v) {
        return v >= 0 ? v : ((v >>> 1) | (v & 1)) * 2.0;
    }

    private void requireKind(FieldKind k) {
        if (kind != k) {
            throw new IllegalArgumentException(what + " holds " + kind.rosName() + ", not " + k.rosName());
        }
    }

    private int capacity() {
        return switch (kind.size()) {
            case 1 -> bytes.length;
            case 2 -> shorts.length;
            case 4 -> kind == FieldKind.FLOAT32 ? floats.length : ints.length;
            default -> kind == FieldKind.FLOAT64 ? doubles.length : longs.length;
        };
    }

    private void allocate(int capacity) {
        switch (kind.size()) {
            case 1 -> bytes = new byte[capacity];
            case 2 -> shorts = new short[capacity];
            case 4 -> {
                if (kind == FieldKind.FLOAT32) {
                    floats = new float[capacity];
                } else {
                    ints = new int[capacity];
                }
            }
            default -> {
                if (kind == FieldKind.FLOAT64) {
                    doubles = new double[capacity];
                } else {
                    longs = new long[capacity];
                }
            }
        }
    }

    private void grow(int n) {
        int capacity = Math.max(n, capacity() * 2);
        if (bound > 0) {
            capacity = Math.min(capacity, Math.max(n, bound));
        }
        switch (kind.size()) {
            case 1 -> bytes = Arrays.copyOf(bytes, capacity);
            case 2 -> shorts = Arrays.copyOf(shorts, capacity);
            case 4 -> {
                if (kind == FieldKind.FLOAT32) {
                    floats = Arrays.copyOf(floats, capacity);
                } else {
                    ints = Arrays.copyOf(ints, capacity);
                }
            }
            default -> {
                if (kind == FieldKind.FLOAT64) {
                    doubles = Arrays.copyOf(doubles, capacity);
                } else {
                    longs = Arrays.copyOf(longs, capacity);
                }
            }
        }
        clearRange(size, capacity);
    }

    private void clearRange(int from, int to) {
        if (from >= to) {
            return;
        }
        switch (kind.size()) {
            case 1 -> Arrays.fill(bytes, from, to, (byte) 0);
            case 2 -> Arrays.fill(shorts, from, to, (short) 0);
            case 4 -> {
                if (kind == FieldKind.FLOAT32) {
                    Arrays.fill(floats, from, to, 0f);
                } else {
                    Arrays.fill(ints, from, to, 0);
                }
            }
            default -> {
                if (kind == FieldKind.FLOAT64) {
                    Arrays.fill(doubles, from, to, 0d);
                } else {
                    Arrays.fill(longs, from, to, 0L);
                }
            }
        }
    }

    /** Element-wise equality; floating point compared by bits, so NaN equals NaN. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PrimitiveArray other) || other.kind != kind || other.size != size) {
            return false;
        }
        return switch (kind.size()) {
            case 1 -> Arrays.equals(bytes, 0, size, other.bytes, 0, size);
            case 2 -> Arrays.equals(shorts, 0, size, other.shorts, 0, size);
            case 4 -> kind == FieldKind.FLOAT32 ? Arrays.equals(floats, 0, size, other.floats, 0, size)
                    : Arrays.equals(ints, 0, size, other.ints, 0, size);
            default -> kind == FieldKind.FLOAT64 ? Arrays.equals(doubles, 0, size, other.doubles, 0, size)
                    : Arrays.equals(longs, 0, size, other.longs, 0, size);
        };
    }

    @Override
    public int hashCode() {
        int h = kind.hashCode() * 31 + size;
        for (int i = 0; i < size; i++) {
            h = h * 31 + Long.hashCode(kind.isFloatingPoint() ? Double.doubleToLongBits(getDouble(i)) : getLongUnchecked(i));
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(MessageYaml.formatElement(this, i));
        }
        return sb.append(']').toString();
    }
}
