package dev.myelin.ros2.cdr;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Reads classic CDR (XCDR1) of either byte order from any memory segment, flyweight style: wrap a
 * sample with {@link #wrap}, then read members in order. Alignment is counted from the end of the
 * 4-byte encapsulation header; the header's option bytes and trailing padding are ignored, as the
 * specification requires. Every read is bounds-checked against the sample and fails with a
 * {@link MessageDecodeException} naming the offset, never an index error.
 *
 * <p>Allocates nothing. Not thread-safe: one reader per thread.
 */
public final class CdrReader {
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_BE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE_BE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private MemorySegment segment = MemorySegment.NULL;
    private long origin;
    private long position;
    private long limit;
    private ValueLayout.OfShort shortLayout = CdrWriter.SHORT;
    private ValueLayout.OfInt intLayout = CdrWriter.INT;
    private ValueLayout.OfLong longLayout = CdrWriter.LONG;
    private ValueLayout.OfFloat floatLayout = CdrWriter.FLOAT;
    private ValueLayout.OfDouble doubleLayout = CdrWriter.DOUBLE;

    /**
     * Points the reader at a serialized sample starting with its encapsulation header.
     *
     * @throws MessageDecodeException when the sample is shorter than the header or its
     *         representation is not classic CDR
     */
    public CdrReader wrap(MemorySegment sample, long offset, long length) {
        if (length < CdrWriter.HEADER_SIZE) {
            throw new MessageDecodeException("sample of " + length + " bytes is shorter than the 4-byte encapsulation header");
        }
        if (offset < 0 || offset + length > sample.byteSize()) {
            throw new IllegalArgumentException("range [" + offset + ", " + (offset + length) + ") outside a segment of "
                    + sample.byteSize() + " bytes");
        }
        int representation = (Byte.toUnsignedInt(sample.get(ValueLayout.JAVA_BYTE, offset)) << 8)
                | Byte.toUnsignedInt(sample.get(ValueLayout.JAVA_BYTE, offset + 1));
        boolean bigEndian = switch (representation) {
            case 0x0000 -> true;  // CDR_BE
            case 0x0001 -> false; // CDR_LE
            case 0x0002, 0x0003 -> throw new MessageDecodeException(
                    "parameter-list CDR encapsulation (0x000" + representation + ") is not used for ROS messages");
            case 0x0006, 0x0007, 0x0008, 0x0009, 0x000a, 0x000b -> throw new MessageDecodeException(
                    String.format("XCDR2 encapsulation 0x%04x is not supported; ROS 2 peers send classic CDR", representation));
            default -> throw new MessageDecodeException(
                    String.format("unknown encapsulation identifier 0x%04x", representation));
        };
        this.segment = sample;
        this.origin = offset + CdrWriter.HEADER_SIZE;
        this.position = origin;
        this.limit = offset + length;
        if (bigEndian) {
            shortLayout = SHORT_BE;
            intLayout = INT_BE;
            longLayout = LONG_BE;
            floatLayout = FLOAT_BE;
            doubleLayout = DOUBLE_BE;
        } else {
            shortLayout = CdrWriter.SHORT;
            intLayout = CdrWriter.INT;
            longLayout = CdrWriter.LONG;
            floatLayout = CdrWriter.FLOAT;
            doubleLayout = CdrWriter.DOUBLE;
        }
        return this;
    }

    /** The wrapped segment (for zero-copy comparisons of string bytes). */
    public MemorySegment segment() {
        return segment;
    }

    /** Absolute read position in {@link #segment()}. */
    public long position() {
        return position;
    }

    /** Bytes left before the end of the sample. */
    public long remaining() {
        return limit - position;
    }

    public void align(int n) {
        position += -(position - origin) & (n - 1);
    }

    /** Checks that {@code n} more bytes exist, then advances past them. */
    public void skip(long n) {
        require(n);
        position += n;
    }

    public byte readByte() {
        require(1);
        return segment.get(ValueLayout.JAVA_BYTE, position++);
    }

    public boolean readBoolean() {
        return readByte() != 0;
    }

    public short readShort() {
        align(2);
        require(2);
        short v = segment.get(shortLayout, position);
        position += 2;
        return v;
    }

    public int readInt() {
        align(4);
        require(4);
        int v = segment.get(intLayout, position);
        position += 4;
        return v;
    }

    public long readLong() {
        align(8);
        require(8);
        long v = segment.get(longLayout, position);
        position += 8;
        return v;
    }

    public float readFloat() {
        align(4);
        require(4);
        float v = segment.get(floatLayout, position);
        position += 4;
        return v;
    }

    public double readDouble() {
        align(8);
        require(8);
        double v = segment.get(doubleLayout, position);
        position += 8;
        return v;
    }

    /**
     * Reads a sequence or string length and checks that at least {@code minElementBytes} per
     * element remain, so a corrupt length can never make the caller allocate beyond the sample.
     */
    public int readLength(int minElementBytes, String what) {
        long start = position;
        long n = Integer.toUnsignedLong(readInt());
        if (n * Math.max(1, minElementBytes) > remaining()) {
            throw new MessageDecodeException(what + ": length " + n + " at offset " + (start - origin)
                    + " needs more than the " + remaining() + " bytes left in the sample");
        }
        return (int) n;
    }

    public void readBytes(byte[] dst, int offset, int count) {
        require(count);
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, position, dst, offset, count);
        position += count;
    }

    public void readShorts(short[] dst, int offset, int count) {
        if (count == 0) {
            return;
        }
        align(2);
        require(2L * count);
        MemorySegment.copy(segment, shortLayout, position, dst, offset, count);
        position += 2L * count;
    }

    public void readInts(int[] dst, int offset, int count) {
        if (count == 0) {
            return;
        }
        align(4);
        require(4L * count);
        MemorySegment.copy(segment, intLayout, position, dst, offset, count);
        position += 4L * count;
    }

    public void readLongs(long[] dst, int offset, int count) {
        if (count == 0) {
            return;
        }
        align(8);
        require(8L * count);
        MemorySegment.copy(segment, longLayout, position, dst, offset, count);
        position += 8L * count;
    }

    public void readFloats(float[] dst, int offset, int count) {
        if (count == 0) {
            return;
        }
        align(4);
        require(4L * count);
        MemorySegment.copy(segment, floatLayout, position, dst, offset, count);
        position += 4L * count;
    }

    public void readDoubles(double[] dst, int offset, int count) {
        if (count == 0) {
            return;
        }
        align(8);
        require(8L * count);
        MemorySegment.copy(segment, doubleLayout, position, dst, offset, count);
        position += 8L * count;
    }

    /** Fails unless {@code n} bytes remain at the current position. */
    public void require(long n) {
        if (position + n > limit) {
            throw new MessageDecodeException("sample truncated: " + n + " bytes needed at offset " + (position - origin)
                    + " but only " + Math.max(0, limit - position) + " remain");
        }
    }
}
