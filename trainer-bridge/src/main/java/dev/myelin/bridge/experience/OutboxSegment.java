package dev.myelin.bridge.experience;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One memory-mapped segment file of the experience outbox. Writes land in the page cache as they are made,
 * so a killed process loses nothing it recorded; {@link #force()} makes them durable against power loss.
 * Layout, little-endian:
 * <pre>
 * header (64 bytes): "MYXS", version u16 = 1, 2 zero, outbox id i64, segment number i64, sealed i32, zero
 * records from offset 64, each 8-aligned: length L i32 (written last), CRC32C of the body i32, body (L bytes,
 * {@link TransitionLayout}); a length of 0 marks the end
 * </pre>
 * The writer publishes a record by storing its length with release semantics and seals the segment the same
 * way; a reader loads both with acquire semantics, so it sees a record only once it is complete.
 */
final class OutboxSegment implements AutoCloseable {

    static final int HEADER = 64;
    static final int VERSION = 1;
    static final int RECORD_PREFIX = 8;
    private static final int SEALED_AT = 24;
    private static final byte[] MAGIC = {'M', 'Y', 'X', 'S'};
    private static final VarHandle INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    final long number;
    final Path file;
    final int capacity;
    private final Arena arena;
    final MemorySegment memory;
    /** The writer's view (its position and limit belong to the control thread), made here so writing allocates nothing. */
    final ByteBuffer writerView;

    private OutboxSegment(long number, Path file, Arena arena, MemorySegment memory) {
        this.number = number;
        this.file = file;
        this.arena = arena;
        this.memory = memory;
        this.capacity = (int) memory.byteSize();
        this.writerView = view();
    }

    static String fileName(long number) {
        return String.format("%016x.seg", number);
    }

    /** Creates, sizes and maps a new segment file with its header made durable. */
    static OutboxSegment create(Path dir, long outboxId, long number, int capacity) throws IOException {
        Path file = dir.resolve(fileName(number));
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            // Real blocks, not a sparse file: a full disk shows up here as an IOException on the uploader
            // thread, never later as a fault in the control loop writing to the mapping.
            ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
            for (long at = 0; at < capacity; at += zeros.capacity()) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), capacity - at));
                while (zeros.hasRemaining()) {
                    ch.write(zeros, at + zeros.position());
                }
            }
            MemorySegment m = ch.map(FileChannel.MapMode.READ_WRITE, 0, capacity, arena);
            MemorySegment.copy(MAGIC, 0, m, ValueLayout.JAVA_BYTE, 0, 4);
            m.set(TransitionLayout.SHORT, 4, (short) VERSION);
            m.set(TransitionLayout.LONG, 8, outboxId);
            m.set(TransitionLayout.LONG, 16, number);
            m.force();
            return new OutboxSegment(number, file, arena, m);
        } catch (IOException | RuntimeException e) {
            arena.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** Maps an existing segment; IOException naming the file when its header is not this outbox's. */
    static OutboxSegment open(Path file, long outboxId) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size < HEADER + RECORD_PREFIX || size > Integer.MAX_VALUE || size % 8 != 0) {
                throw new IOException(file + ": not an outbox segment (" + size + " bytes)");
            }
            MemorySegment m = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            for (int i = 0; i < 4; i++) {
                if (m.get(ValueLayout.JAVA_BYTE, i) != MAGIC[i]) {
                    throw new IOException(file + ": not an outbox segment (magic)");
                }
            }
            int v = Short.toUnsignedInt(m.get(TransitionLayout.SHORT, 4));
            if (v != VERSION) {
                throw new IOException(file + ": segment format version " + v + " is not supported");
            }
            if (m.get(TransitionLayout.LONG, 8) != outboxId) {
                throw new IOException(file + ": belongs to another outbox");
            }
            return new OutboxSegment(m.get(TransitionLayout.LONG, 16), file, arena, m);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** A byte-buffer view for one thread's use (position and limit are that thread's). */
    ByteBuffer view() {
        return memory.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    int lengthAt(int offset) {
        return offset + RECORD_PREFIX > capacity ? 0 : (int) INT.getAcquire(memory, (long) offset);
    }

    void publishLength(int offset, int length) {
        INT.setRelease(memory, (long) offset, length);
    }

    boolean sealed() {
        return (int) INT.getAcquire(memory, (long) SEALED_AT) != 0;
    }

    void seal() {
        INT.setRelease(memory, (long) SEALED_AT, 1);
    }

    void force() {
        memory.force();
    }

    /** Unmaps the file. No thread may touch this segment afterwards. */
    @Override
    public void close() {
        arena.close();
    }
}
