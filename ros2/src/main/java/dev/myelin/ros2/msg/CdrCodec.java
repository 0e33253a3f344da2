package dev.myelin.ros2.msg;

import dev.myelin.ros2.cdr.CdrReader;
import dev.myelin.ros2.cdr.CdrWriter;
import dev.myelin.ros2.cdr.MessageDecodeException;

/**
 * Encodes and decodes {@link Message}s as classic CDR, walking the type's members in declaration
 * order (nested messages inline, sequences as a uint32 count then elements, strings as a uint32
 * length including the NUL, then the bytes and the NUL), exactly as rmw_cyclonedds and
 * rmw_fastrtps put ROS messages on the wire.
 *
 * <p>Allocation-free once the message's holders have grown to the sizes seen. Stateless and
 * thread-safe; the reader, writer and message belong to the calling thread.
 */
public final class CdrCodec {
    private CdrCodec() {
    }

    /**
     * Writes {@code message} as one complete sample (header, members, padding).
     *
     * @return the sample's length in bytes; the bytes are {@code writer.buffer()[0, length)}
     */
    public static long encode(Message message, CdrWriter writer) {
        writer.begin();
        writeStruct(message.type, message.scalars, message.scalarBase, message.refs, message.refBase, writer);
        return writer.finish();
    }

    /**
     * Decodes a sample the reader has been {@link CdrReader#wrap wrapped} around into {@code into},
     * whose storage is reused. Trailing bytes (padding) are ignored.
     *
     * @throws MessageDecodeException when the sample does not decode as {@code into}'s type; the
     *         message is then partly overwritten and should be discarded or decoded again
     */
    public static void decode(CdrReader reader, Message into) {
        readStruct(into.type, into.scalars, into.scalarBase, into.refs, into.refBase, reader);
    }

    private static void writeStruct(MessageType t, long[] s, int sBase, Object[] refs, int rBase, CdrWriter w) {
        for (Field f : t.members) {
            if (f.arity() == Arity.SINGLE) {
                switch (f.kind()) {
                    case STRING -> {
                        Text text = (Text) refs[rBase + f.refSlot];
                        w.writeString(text.bytes(), 0, text.length());
                    }
                    case MESSAGE -> writeStruct(f.messageType(), s, sBase + f.scalarSlot, refs, rBase + f.refSlot, w);
                    default -> writeScalar(f.kind(), s[sBase + f.scalarSlot], w);
                }
                continue;
            }
            Object holder = refs[rBase + f.refSlot];
            switch (f.kind()) {
                case STRING -> {
                    StringArray a = (StringArray) holder;
                    if (f.arity() == Arity.SEQUENCE) {
                        w.writeInt(a.size());
                    }
                    for (int i = 0; i < a.size(); i++) {
                        Text text = a.element(i);
                        w.writeString(text.bytes(), 0, text.length());
                    }
                }
                case MESSAGE -> {
                    MessageArray a = (MessageArray) holder;
                    if (f.arity() == Arity.SEQUENCE) {
                        w.writeInt(a.size());
                    }
                    for (int i = 0; i < a.size(); i++) {
                        Message e = a.get(i);
                        writeStruct(e.type, e.scalars, e.scalarBase, e.refs, e.refBase, w);
                    }
                }
                default -> {
                    PrimitiveArray a = (PrimitiveArray) holder;
                    if (f.arity() == Arity.SEQUENCE) {
                        w.writeInt(a.size());
                    }
                    writePrimitives(a, w);
                }
            }
        }
    }

    private static void writeScalar(FieldKind kind, long bits, CdrWriter w) {
        switch (kind.size()) {
            case 1 -> w.writeByte((byte) bits);
            case 2 -> w.writeShort((short) bits);
            case 4 -> w.writeInt((int) bits); // float32 travels as its raw bits
            default -> w.writeLong(bits);
        }
    }

    private static void writePrimitives(PrimitiveArray a, CdrWriter w) {
        int n = a.size();
        switch (a.kind()) {
            case FLOAT32 -> w.writeFloats(a.floats, 0, n);
            case FLOAT64 -> w.writeDoubles(a.doubles, 0, n);
            default -> {
                switch (a.kind().size()) {
                    case 1 -> w.writeBytes(a.bytes, 0, n);
                    case 2 -> w.writeShorts(a.shorts, 0, n);
                    case 4 -> w.writeInts(a.ints, 0, n);
                    default -> w.writeLongs(a.longs, 0, n);
                }
            }
        }
    }

    private static void readStruct(MessageType t, long[] s, int sBase, Object[] refs, int rBase, CdrReader r) {
        for (Field f : t.members) {
            if (f.arity() == Arity.SINGLE) {
                switch (f.kind()) {
                    case STRING -> readText((Text) refs[rBase + f.refSlot], f.stringBound(), f, r);
                    case MESSAGE -> readStruct(f.messageType(), s, sBase + f.scalarSlot, refs, rBase + f.refSlot, r);
                    default -> s[sBase + f.scalarSlot] = readScalar(f.kind(), r);
                }
                continue;
            }
            Object holder = refs[rBase + f.refSlot];
            switch (f.kind()) {
                case STRING -> {
                    StringArray a = (StringArray) holder;
                    int n = count(f, 4, r);
                    a.setSizeForOverwrite(n);
                    for (int i = 0; i < n; i++) {
                        readText(a.element(i), f.stringBound(), f, r);
                    }
                }
                case MESSAGE -> {
                    MessageArray a = (MessageArray) holder;
                    int n = count(f, 1, r);
                    a.setSizeForOverwrite(n);
                    for (int i = 0; i < n; i++) {
                        Message e = a.get(i);
                        readStruct(e.type, e.scalars, e.scalarBase, e.refs, e.refBase, r);
                    }
                }
                default -> {
                    PrimitiveArray a = (PrimitiveArray) holder;
                    int n = count(f, f.kind().size(), r);
                    a.setSizeForOverwrite(n);
                    readPrimitives(a, n, r);
                }
            }
        }
    }

    /** Element count of an array (its fixed length) or sequence (read, bounded, plausible for the bytes left). */
    private static int count(Field f, int minElementBytes, CdrReader r) {
        if (f.arity() == Arity.ARRAY) {
            return f.length();
        }
        int n = r.readLength(minElementBytes, f.path());
        if (f.length() > 0 && n > f.length()) {
            throw new MessageDecodeException(f.path() + ": " + n + " elements exceed the sequence bound of " + f.length());
        }
        return n;
    }

    private static long readScalar(FieldKind kind, CdrReader r) {
        return switch (kind) {
            case BOOL -> r.readByte() != 0 ? 1 : 0;
            case BYTE, CHAR, UINT8 -> Byte.toUnsignedLong(r.readByte());
            case INT8 -> r.readByte();
            case INT16 -> r.readShort();
            case UINT16 -> Short.toUnsignedLong(r.readShort());
            case INT32 -> r.readInt();
            case UINT32, FLOAT32 -> Integer.toUnsignedLong(r.readInt());
            default -> r.readLong();
        };
    }

    private static void readPrimitives(PrimitiveArray a, int n, CdrReader r) {
        switch (a.kind()) {
            case FLOAT32 -> r.readFloats(a.floats, 0, n);
            case FLOAT64 -> r.readDoubles(a.doubles, 0, n);
            case BOOL -> {
                r.readBytes(a.bytes, 0, n);
                for (int i = 0; i < n; i++) {
                    a.bytes[i] = a.bytes[i] != 0 ? (byte) 1 : (byte) 0;
                }
            }
            default -> {
                switch (a.kind().size()) {
                    case 1 -> r.readBytes(a.bytes, 0, n);
                    case 2 -> r.readShorts(a.shorts, 0, n);
                    case 4 -> r.readInts(a.ints, 0, n);
                    default -> r.readLongs(a.longs, 0, n);
                }
            }
        }
    }

    private static void readText(Text text, int bound, Field f, CdrReader r) {
        int n = r.readLength(1, f.path());
        if (n == 0) {
            // some writers send an empty string as length 0 without the NUL
            text.setBytes(r.segment(), r.position(), 0);
            return;
        }
        long start = r.position();
        r.require(n);
        if (r.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, start + n - 1) != 0) {
            throw new MessageDecodeException(f.path() + ": string of " + n + " bytes is not NUL-terminated");
        }
        if (bound > 0 && n - 1 > bound) {
            throw new MessageDecodeException(f.path() + ": string of " + (n - 1) + " bytes exceeds its bound of " + bound);
        }
        text.setBytes(r.segment(), start, n - 1);
        r.skip(n);
    }
}
