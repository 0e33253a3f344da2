package dev.myelin.ros2.cdr;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Writes classic CDR (XCDR1, OMG DDS-XTypes 7.4.3 / CORBA 15.3) little endian, as ROS 2 puts it on
 * the wire: a 4-byte encapsulation header {@code 00 01 00 00}, then the members, each primitive
 * aligned to its size (at most 8) counted from the end of the header. {@link #finish()} pads the
 * payload to a multiple of 4 and records the pad count in the header's option bytes, as Cyclone
 * DDS does, so the bytes equal Cyclone's own serializer's.
 *
 * <p>The buffer is native memory that grows on demand (the only allocation); after it has grown
 * to the largest message, writing allocates nothing. Not thread-safe: one writer per thread.
 */
public final class CdrWriter {
    /** Size of the encapsulation header. */
    public static final int HEADER_SIZE = 4;

    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private MemorySegment buffer;
    private long position;

    /** A writer whose buffer starts at {@code initialCapacity} bytes (at least 64). */
    public CdrWriter(int initialCapacity) {
        buffer = Arena.ofAuto().allocate(Math.max(64, initialCapacity), 8);
    }

    /** Starts a new sample: writes the little-endian CDR encapsulation header. */
    public CdrWriter begin() {
        position = 0;
        ensure(HEADER_SIZE);
        buffer.set(ValueLayout.JAVA_INT_UNALIGNED, 0, 0);
        buffer.set(ValueLayout.JAVA_BYTE, 1, (byte) 0x01); // CDR_LE
        position = HEADER_SIZE;
        return this;
    }

    /**
     * Ends the sample: pads with zeros to a multiple of 4 and stores the pad count in the low bits
     * of the encapsulation options, the way Cyclone DDS frames samples.
     *
     * @return the total length in bytes, header included
     */
    public long finish() {
        int pad = (int) (-position & 3);
        ensure(pad);
        for (int i = 0; i < pad; i++) {
            buffer.set(ValueLayout.JAVA_BYTE, position++, (byte) 0);
        }
        buffer.set(ValueLayout.JAVA_BYTE, 3, (byte) pad);
        return position;
    }

    /** The buffer; valid bytes are {@code [0, length())}. Its identity changes when it grows. */
    public MemorySegment buffer() {
        return buffer;
    }

    /** Bytes written so far, header included. */
    public long length() {
        return position;
    }

    /** The written bytes as a fresh array (allocates; for tools and tests). */
    public byte[] toByteArray() {
        return buffer.asSlice(0, position).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Pads with zeros so that the next item starts at a multiple of {@code n} from the header's end. */
    public void align(int n) {
        long pad = -(position - HEADER_SIZE) & (n - 1);
        if (pad != 0) {
            ensure(pad);
            for (long i = 0; i < pad; i++) {
                buffer.set(ValueLayout.JAVA_BYTE, position + i, (byte) 0);
            }
            position += pad;
        }
    }

    public void writeByte(byte value) {
        ensure(1);
        buffer.set(ValueLayout.JAVA_BYTE, position, value);
        position += 1;
    }

    public void writeBoolean(boolean value) {
        writeByte(value ? (byte) 1 : (byte) 0);
    }

    public void writeShort(short value) {
        align(2);
        ensure(2);
        buffer.set(SHORT, position, value);
        position += 2;
    }

    public void writeInt(int value) {
        align(4);
        ensure(4);
        buffer.set(INT, position, value);
        position += 4;
    }

    public void writeLong(long value) {
        align(8);
        ensure(8);
        buffer.set(LONG, position, value);
        position += 8;
    }

    public void writeFloat(float value) {
        align(4);
        ensure(4);
        buffer.set(FLOAT, position, value);
        position += 4;
    }

    public void writeDouble(double value) {
        align(8);
        ensure(8);
        buffer.set(DOUBLE, position, value);
        position += 8;
    }

    /** A CDR string: uint32 length including the NUL, the bytes, the NUL. */
    public void writeString(MemorySegment utf8, long offset, int length) {
        writeInt(length + 1);
        ensure(length + 1L);
        MemorySegment.copy(utf8, offset, buffer, position, length);
        buffer.set(ValueLayout.JAVA_BYTE, position + length, (byte) 0);
        position += length + 1L;
    }

    /** Raw bytes, no alignment (octet arrays, booleans as 0/1). */
    public void writeBytes(byte[] src, int offset, int count) {
        ensure(count);
        MemorySegment.copy(src, offset, buffer, ValueLayout.JAVA_BYTE, position, count);
        position += count;
    }

    public void writeShorts(short[] src, int offset, int count) {
        if (count == 0) {
            return;
        }
        align(2);
        ensure(2L * count);
        MemorySegment.copy(src, offset, buffer, SHORT, position, count);
        position += 2L * count;
    }

    public void writeInts(int[] src, int offset, int count) {
        if (count == 0) {
            return;
        }
        align(4);
        ensure(4L * count);
        MemorySegment.copy(src, offset, buffer, INT, position, count);
        position += 4L * count;
    }

    public void writeLongs(long[] src, int offset, int count) {
        if (count == 0) {
            return;
        }
        align(8);
        ensure(8L * count);
        MemorySegment.copy(src, offset, buffer, LONG, position, count);
        position += 8L * count;
    }

    public void writeFloats(float[] src, int offset, int count) {
        if (count == 0) {
            return;
        }
        align(4);
        ensure(4L * count);
        MemorySegment.copy(src, offset, buffer, FLOAT, position, count);
        position += 4L * count;
    }

    public void writeDoubles(double[] src, int offset, int count) {
        if (count == 0) {
            return;
        }
        align(8);
        ensure(8L * count);
        MemorySegment.copy(src, offset, buffer, DOUBLE, position, count);
        position += 8L * count;
    }

    private void ensure(long more) {
        long needed = position + more;
        if (needed > buffer.byteSize()) {
            long capacity = Math.max(needed, buffer.byteSize() * 2);
            MemorySegment grown = Arena.ofAuto().allocate(capacity, 8);
            MemorySegment.copy(buffer, 0, grown, 0, position);
            buffer = grown;
        }
    }
}
