package dev.myelin.ros2.msg;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Writes a {@link Message} into native memory in the C layout of its type's Cyclone topic
 * descriptor (the struct {@code idlc} would generate), so that Cyclone's own serializer
 * ({@code dds_write}) puts it on the wire. Strings and sequence buffers go into a scratch region
 * owned by this writer, reused for every sample; the region grows only when a message needs more
 * than any before it.
 *
 * <p>The returned sample is valid until the next {@link #write}. Not thread-safe: one per publisher.
 */
public final class CLayoutWriter {
    private static final int POINTER = 8;

    private final MessageType type;
    private final MemorySegment sample;
    private MemorySegment heap;
    private long heapAddress;
    private long used;

    public CLayoutWriter(MessageType type) {
        this.type = type;
        this.sample = Arena.ofAuto().allocate(Math.max(8, type.cSize), 8);
        this.heap = Arena.ofAuto().allocate(256, 8);
        this.heapAddress = heap.address();
    }

    /** Lays {@code message} out as a C sample and returns it. */
    public MemorySegment write(Message message) {
        if (message.type != type) {
            throw new IllegalArgumentException("this publisher sends " + type + ", not " + message.type);
        }
        long need = outOfLine(type, message.refs, message.refBase);
        if (need > heap.byteSize()) {
            heap = Arena.ofAuto().allocate(Math.max(need, heap.byteSize() * 2), 8);
            heapAddress = heap.address();
        }
        used = 0;
        writeStruct(type, message.scalars, message.scalarBase, message.refs, message.refBase, sample, 0);
        return sample;
    }

    /** Bytes of scratch the message needs beyond the struct itself, each block rounded to 8. */
    private static long outOfLine(MessageType t, Object[] refs, int rBase) {
        long total = 0;
        for (Field f : t.members) {
            if (f.arity() == Arity.SINGLE) {
                if (f.kind() == FieldKind.STRING && f.stringBound() == 0) {
                    total += round(((Text) refs[rBase + f.refSlot]).length() + 1L);
                } else if (f.kind() == FieldKind.MESSAGE) {
                    total += outOfLine(f.messageType(), refs, rBase + f.refSlot);
                }
                continue;
            }
            Object holder = refs[rBase + f.refSlot];
            boolean sequence = f.arity() == Arity.SEQUENCE;
            switch (f.kind()) {
                case STRING -> {
                    StringArray a = (StringArray) holder;
                    if (sequence) {
                        total += round((long) a.size() * MessageType.cElementSize(f));
                    }
                    if (f.stringBound() == 0) {
                        for (int i = 0; i < a.size(); i++) {
                            total += round(a.element(i).length() + 1L);
                        }
                    }
                }
                case MESSAGE -> {
                    MessageArray a = (MessageArray) holder;
                    if (sequence) {
                        total += round((long) a.size() * MessageType.cElementSize(f));
                    }
                    for (int i = 0; i < a.size(); i++) {
                        Message e = a.get(i);
                        total += outOfLine(e.type, e.refs, e.refBase);
                    }
                }
                default -> {
                    if (sequence) {
                        total += round((long) ((PrimitiveArray) holder).size() * f.kind().size());
                    }
                }
            }
        }
        return total;
    }

    private static long round(long n) {
        return (n + 7) & -8L;
    }

    private long allocate(long bytes) {
        long at = used;
        used += round(bytes);
        return at;
    }

    private void writeStruct(MessageType t, long[] s, int sBase, Object[] refs, int rBase, MemorySegment seg, long base) {
        for (int m = 0; m < t.members.length; m++) {
            Field f = t.members[m];
            long off = base + t.cOffsets[m];
            if (f.arity() == Arity.SINGLE) {
                switch (f.kind()) {
                    case STRING -> writeString((Text) refs[rBase + f.refSlot], f.stringBound(), seg, off);
                    case MESSAGE -> writeStruct(f.messageType(), s, sBase + f.scalarSlot, refs, rBase + f.refSlot, seg, off);
                    default -> writeScalar(f.kind(), s[sBase + f.scalarSlot], seg, off);
                }
                continue;
            }
            Object holder = refs[rBase + f.refSlot];
            int elementSize = MessageType.cElementSize(f);
            if (f.arity() == Arity.ARRAY) {
                writeElements(f, holder, seg, off, elementSize);
            } else {
                int n = size(holder);
                long buffer = n == 0 ? 0 : allocate((long) n * elementSize);
                if (n > 0) {
                    writeElements(f, holder, heap, buffer, elementSize);
                }
                // dds_sequence_t { uint32 _maximum; uint32 _length; void *_buffer; bool _release; }
                seg.set(ValueLayout.JAVA_INT, off, n);
                seg.set(ValueLayout.JAVA_INT, off + 4, n);
                seg.set(ValueLayout.JAVA_LONG, off + 8, n == 0 ? 0L : heapAddress + buffer);
                seg.set(ValueLayout.JAVA_BYTE, off + 16, (byte) 0);
            }
        }
    }

    private void writeElements(Field f, Object holder, MemorySegment seg, long off, int elementSize) {
        switch (f.kind()) {
            case STRING -> {
                StringArray a = (StringArray) holder;
                for (int i = 0; i < a.size(); i++) {
                    writeString(a.element(i), f.stringBound(), seg, off + (long) i * elementSize);
                }
            }
            case MESSAGE -> {
                MessageArray a = (MessageArray) holder;
                for (int i = 0; i < a.size(); i++) {
                    Message e = a.get(i);
                    writeStruct(e.type, e.scalars, e.scalarBase, e.refs, e.refBase, seg, off + (long) i * elementSize);
                }
            }
            default -> {
                PrimitiveArray a = (PrimitiveArray) holder;
                int n = a.size();
                switch (a.kind()) {
                    case FLOAT32 -> MemorySegment.copy(a.floats, 0, seg, ValueLayout.JAVA_FLOAT, off, n);
                    case FLOAT64 -> MemorySegment.copy(a.doubles, 0, seg, ValueLayout.JAVA_DOUBLE, off, n);
                    default -> {
                        switch (a.kind().size()) {
                            case 1 -> MemorySegment.copy(a.bytes, 0, seg, ValueLayout.JAVA_BYTE, off, n);
                            case 2 -> MemorySegment.copy(a.shorts, 0, seg, ValueLayout.JAVA_SHORT, off, n);
                            case 4 -> MemorySegment.copy(a.ints, 0, seg, ValueLayout.JAVA_INT, off, n);
                            default -> MemorySegment.copy(a.longs, 0, seg, ValueLayout.JAVA_LONG, off, n);
                        }
                    }
                }
            }
        }
    }

    private void writeString(Text text, int bound, MemorySegment seg, long off) {
        int n = text.length();
        if (bound > 0) {
            if (n > bound) {
                throw new IllegalArgumentException("string of " + n + " bytes exceeds its bound of " + bound);
            }
            MemorySegment.copy(text.bytes(), 0, seg, off, n);
            seg.set(ValueLayout.JAVA_BYTE, off + n, (byte) 0);
            return;
        }
        long at = allocate(n + 1L);
        MemorySegment.copy(text.bytes(), 0, heap, at, n);
        heap.set(ValueLayout.JAVA_BYTE, at + n, (byte) 0);
        seg.set(ValueLayout.JAVA_LONG, off, heapAddress + at);
    }

    private static void writeScalar(FieldKind kind, long bits, MemorySegment seg, long off) {
        switch (kind.size()) {
            case 1 -> seg.set(ValueLayout.JAVA_BYTE, off, (byte) bits);
            case 2 -> seg.set(ValueLayout.JAVA_SHORT, off, (short) bits);
            case 4 -> seg.set(ValueLayout.JAVA_INT, off, (int) bits);
            default -> seg.set(ValueLayout.JAVA_LONG, off, bits);
        }
    }

    private static int size(Object holder) {
        return switch (holder) {
            case PrimitiveArray a -> a.size();
            case StringArray a -> a.size();
            case MessageArray a -> a.size();
            default -> throw new IllegalStateException();
        };
    }
}
