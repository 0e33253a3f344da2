package dev.myelin.sim.mujoco;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A view of one array of an {@code mjModel} or {@code mjData} ({@code qpos}, {@code body_mass}, ...):
 * {@code rows x cols} elements, row-major, bounds-checked. {@link #get(int)} reads {@code mjtNum},
 * {@code int} and {@code float} arrays as doubles; {@link #set(int, double)} and the bulk copies take
 * {@code mjtNum} arrays only. Valid while its model or data is open; reading and writing allocate
 * nothing. Not thread-safe beyond what the owning struct allows.
 */
public final class MjArray {
    private enum Kind { NUM, INT, FLOAT, OTHER }

    private final String name;
    private final MemorySegment segment;
    private final int rows;
    private final int cols;
    private final int elementBytes;
    private final Kind kind;

    MjArray(String name, MemorySegment base, MjLayout.Array field, int rows, int cols) {
        this.name = name;
        this.rows = rows;
        this.cols = cols;
        this.elementBytes = field.elementBytes();
        this.kind = switch (field.type()) {
            case "mjtNum" -> Kind.NUM;
            case "int" -> Kind.INT;
            case "float" -> Kind.FLOAT;
            default -> Kind.OTHER;
        };
        MemorySegment pointer = base.get(ValueLayout.ADDRESS, field.offset());
        long bytes = (long) rows * cols * elementBytes;
        this.segment = bytes == 0 || pointer.equals(MemorySegment.NULL) ? MemorySegment.NULL : pointer.reinterpret(bytes);
    }

    public String name() {
        return name;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** rows x cols. */
    public int size() {
        return rows * cols;
    }

    /** Element {@code i} of the flat array as a double ({@code int} and {@code float} widened). */
    public double get(int i) {
        return switch (kind) {
            case NUM -> segment.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
            case INT -> segment.getAtIndex(ValueLayout.JAVA_INT, i);
            case FLOAT -> segment.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            case OTHER -> throw new IllegalStateException(name + " holds neither mjtNum, int nor float");
        };
    }

    public double get(int row, int col) {
        return get(checkRow(row) * cols + checkCol(col));
    }

    /** Element {@code i} of an {@code int} array. */
    public int getInt(int i) {
        if (kind != Kind.INT) {
            throw new IllegalStateException(name + " does not hold int");
        }
        return segment.getAtIndex(ValueLayout.JAVA_INT, i);
    }

    /** The bytes of element {@code i} as an unsigned little-endian number (for comparisons with C). */
    public long bits(int i) {
        return switch (elementBytes) {
            case 1 -> segment.get(ValueLayout.JAVA_BYTE, i) & 0xFFL;
            case 4 -> segment.getAtIndex(ValueLayout.JAVA_INT, i) & 0xFFFF_FFFFL;
            case 8 -> segment.getAtIndex(ValueLayout.JAVA_LONG, i);
            default -> throw new IllegalStateException(name + ": elements of " + elementBytes + " bytes");
        };
    }

    public void set(int i, double value) {
        requireNum();
        segment.setAtIndex(ValueLayout.JAVA_DOUBLE, i, value);
    }

    public void set(int row, int col, double value) {
        set(checkRow(row) * cols + checkCol(col), value);
    }

    /** Copies {@code length} doubles from element {@code from} into {@code dst[offset...]}. */
    public void copyTo(int from, double[] dst, int offset, int length) {
        requireNum();
        MemorySegment.copy(segment, ValueLayout.JAVA_DOUBLE, (long) from * 8, dst, offset, length);
    }

    /** Copies {@code length} doubles from {@code src[offset...]} to element {@code from} onwards. */
    public void copyFrom(double[] src, int offset, int from, int length) {
        requireNum();
        MemorySegment.copy(src, offset, segment, ValueLayout.JAVA_DOUBLE, (long) from * 8, length);
    }

    private void requireNum() {
        if (kind != Kind.NUM) {
            throw new IllegalStateException(name + " does not hold mjtNum");
        }
    }

    private int checkRow(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException(name + ": row " + row + " outside [0, " + rows + ")");
        }
        return row;
    }

    private int checkCol(int col) {
        if (col < 0 || col >= cols) {
            throw new IndexOutOfBoundsException(name + ": column " + col + " outside [0, " + cols + ")");
        }
        return col;
    }
}
