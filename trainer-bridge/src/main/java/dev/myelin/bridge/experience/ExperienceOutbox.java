package dev.myelin.bridge.experience;

import dev.myelin.bridge.wire.Topics;
import dev.myelin.policy.io.DurableFiles;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;

/**
 * The robot's disk-backed store of transitions waiting to be uploaded: a folder of fixed-size,
 * memory-mapped segment files ({@link OutboxSegment}) and a cursor file recording how far the trainer has
 * acknowledged. The control loop {@link #record records} into the mapped active segment (no allocation, no
 * system call, no lock); the uploader thread reads batches from the cursor, and only the trainer's
 * acknowledgement moves the cursor ({@link #acknowledge}) and frees segments.
 *
 * <p>What survives what: a killed process loses nothing it recorded (the mapping is the page cache); a power
 * loss loses at most the transitions since the last {@link #maintain()} flush (every
 * {@code flushInterval}); a torn last record is detected by its CRC32C and dropped on recovery. Recovery
 * seals the last segment and starts a new one, so records are never appended behind a damaged tail. When
 * {@code maxSegments} are full of unacknowledged records (a long outage), new records are refused and counted
 * in {@link #dropped()} rather than evicting unsent ones.
 *
 * <p>Threads: {@link #record} from one control thread; {@link #nextBatch}, {@link #acknowledge} and
 * {@link #maintain} from one uploader thread; counters anywhere. {@link #close()} after both stopped.
 */
public final class ExperienceOutbox implements TransitionRecorder, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ExperienceOutbox.class.getName());
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final String CURSOR = "cursor";
    private static final byte[] CURSOR_MAGIC = {'M', 'Y', 'X', 'C'};

    /** Sizes and intervals; all optional. */
    public static final class Options {
        int segmentBytes = 4 << 20;
        int maxSegments = 64;
        long flushIntervalNanos = 1_000_000_000L;

        /** Bytes per segment file (1 MiB .. 1 GiB, a multiple of 8). */
        public Options segmentBytes(int n) {
            this.segmentBytes = n;
            return this;
        }

        /** Most segment files on disk; together the disk budget of unsent experience. */
        public Options maxSegments(int n) {
            this.maxSegments = n;
            return this;
        }

        public Options flushInterval(java.time.Duration d) {
            this.flushIntervalNanos = d.toNanos();
            return this;
        }

        void conclude() {
            if (segmentBytes < (1 << 20) || segmentBytes > (1 << 30) || segmentBytes % 8 != 0) {
                throw new IllegalArgumentException("segment size must be 1 MiB .. 1 GiB and a multiple of 8, got " + segmentBytes);
            }
            if (maxSegments < 2) {
                throw new IllegalArgumentException("at least 2 segments are needed (one written, one ready), got " + maxSegments);
            }
            if (flushIntervalNanos <= 0) {
                throw new IllegalArgumentException("flush interval must be positive");
            }
        }
    }

    /** Records read for upload: {@code [first, first + count)} of {@code segment}, and where reading stopped. */
    public record Batch(long segment, int first, int count, int endOffset, byte[] payload) {
    }

    private final Path dir;
    private final String robot;
    private final long outboxId;
    private final Options options;
    private final AtomicReference<OutboxSegment> ready = new AtomicReference<>();

    // Uploader thread.
    private final TreeMap<Long, OutboxSegment> segments = new TreeMap<>();
    private final Map<Long, ByteBuffer> readViews = new HashMap<>();
    private final CRC32C readCrc = new CRC32C();
    private long cursorSegment;
    private int cursorOffset;
    private int cursorIndex;
    private long nextNumber;
    private long lastFlush = System.nanoTime();
    private volatile long acknowledged;

    // Control thread.
    private final CRC32C writeCrc = new CRC32C();
    private OutboxSegment active;
    private ByteBuffer activeView;
    private boolean activeSealed;
    private int position;
    private volatile long recorded;
    private volatile long dropped;
    private volatile boolean closed;

    private ExperienceOutbox(Path dir, String robot, long outboxId, Options options) {
        this.dir = dir;
        this.robot = robot;
        this.outboxId = outboxId;
        this.options = options;
    }

    /** Opens (or creates) the outbox in {@code dir} and recovers what a previous run left. */
    public static ExperienceOutbox open(Path dir, String robot, Options options) throws IOException {
        options.conclude();
        Topics.name("robot id", robot);
        Files.createDirectories(dir);
        long[] cursor = readCursor(dir.resolve(CURSOR));
        long id = cursor != null ? cursor[0] : new SecureRandom().nextLong();
        ExperienceOutbox o = new ExperienceOutbox(dir, robot, id, options);
        try {
            o.recover(cursor);
        } catch (IOException | RuntimeException e) {
            o.close();
            throw e;
        }
        return o;
    }

    public static ExperienceOutbox open(Path dir, String robot) throws IOException {
        return open(dir, robot, new Options());
    }

    private void recover(long[] cursor) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.seg")) {
            s.forEach(files::add);
        }
        long acked = cursor != null ? cursor[1] : 0;
        nextNumber = cursor != null ? cursor[4] : 1;
        for (Path f : files) {
            OutboxSegment seg;
            try {
                seg = OutboxSegment.open(f, outboxId);
            } catch (IOException e) {
                if (Files.size(f) > 0 && !allZero(f)) {
                    throw e;
                }
                Files.delete(f); // created, but the crash came before its header was written
                continue;
            }
            if (seg.number < acked) {
                seg.close();
                Files.delete(f); // fully acknowledged before the restart
                continue;
            }
            segments.put(seg.number, seg);
            nextNumber = Math.max(nextNumber, seg.number + 1);
        }
        // Every existing segment is closed for writing; recording continues in a fresh one.
        for (OutboxSegment seg : segments.values()) {
            if (!seg.sealed()) {
                seg.seal();
                seg.force();
            }
        }
        OutboxSegment fresh = newSegment();
        active = fresh;
        activeView = fresh.writerView;
        position = OutboxSegment.HEADER;
        if (cursor != null && segments.containsKey(cursor[1])) {
            cursorSegment = cursor[1];
            cursorOffset = (int) cursor[2];
            cursorIndex = (int) cursor[3];
        } else {
            cursorSegment = segments.firstKey();
            cursorOffset = OutboxSegment.HEADER;
            cursorIndex = 0;
        }
        if (cursorOffset < OutboxSegment.HEADER || cursorOffset > segments.get(cursorSegment).capacity || cursorOffset % 8 != 0) {
            throw new IOException(dir.resolve(CURSOR) + ": offset " + cursorOffset + " is not inside its segment");
        }
        writeCursor();
    }

    private static boolean allZero(Path f) throws IOException {
        byte[] head = new byte[(int) Math.min(Files.size(f), OutboxSegment.HEADER)];
        try (var in = Files.newInputStream(f)) {
            in.readNBytes(head, 0, head.length);
        }
        for (byte b : head) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private OutboxSegment newSegment() throws IOException {
        OutboxSegment s = OutboxSegment.create(dir, outboxId, nextNumber++, options.segmentBytes);
        segments.put(s.number, s);
        return s;
    }

    public String robot() {
        return robot;
    }

    public long outboxId() {
        return outboxId;
    }

    /** Transitions recorded since this outbox was opened. */
    public long recorded() {
        return recorded;
    }

    /**
     * Transitions recorded but not yet acknowledged by the trainer: those recorded since this outbox was opened less
     * those acknowledged since, never below 0. While transitions left by an earlier run are still being uploaded it
     * is a lower bound. Any thread.
     */
    public long backlog() {
        return Math.max(0, recorded - acknowledged);
    }

    /** Transitions refused because the disk budget was full or the outbox was closed. */
    public long dropped() {
        return dropped;
    }

    // ---- control thread -----------------------------------------------------------------------

    /**
     * Appends one transition to the active segment. Allocation-free; never blocks. Returns false (and counts
     * it as dropped) when no segment has room.
     *
     * @throws IllegalArgumentException when a vector is longer than 65535 elements
     */
    @Override
    public boolean record(float[] observation, float[] action, float reward, boolean done, long timeNanos, long policyTag) {
        if (closed) {
            dropped++;
            return false;
        }
        if (observation.length > TransitionLayout.MAX_ELEMENTS || action.length > TransitionLayout.MAX_ELEMENTS) {
            throw new IllegalArgumentException("observation and action may hold at most " + TransitionLayout.MAX_ELEMENTS
                    + " elements");
        }
        int body = TransitionLayout.bodyBytes(observation.length, action.length);
        int size = (OutboxSegment.RECORD_PREFIX + body + 7) & ~7;
        if (activeSealed || position + size > active.capacity) {
            if (!activeSealed) {
                active.seal();
                activeSealed = true;
            }
            OutboxSegment next = ready.getAndSet(null);
            if (next == null) {
                dropped++;
                return false;
            }
            active = next;
            activeView = next.writerView;
            activeSealed = false;
            position = OutboxSegment.HEADER;
        }
        MemorySegment m = active.memory;
        int at = position + OutboxSegment.RECORD_PREFIX;
        TransitionLayout.write(m, at, observation, action, reward, done, timeNanos, policyTag);
        ByteBuffer v = activeView;
        v.limit(at + body).position(at);
        writeCrc.reset();
        writeCrc.update(v);
        m.set(INT, position + 4, (int) writeCrc.getValue());
        active.publishLength(position, body);
        position += size;
        recorded++;
        return true;
    }

    // ---- uploader thread ----------------------------------------------------------------------

    /**
     * Prepares the next segment when the disk budget allows, flushes recent writes to disk every flush
     * interval. Uploader thread.
     */
    public void maintain() throws IOException {
        if (ready.get() == null && segments.size() < options.maxSegments) {
            // Numbers are never reused: recovery continues after the highest file and the cursor's segment.
            ready.set(newSegment());
        }
        long now = System.nanoTime();
        if (now - lastFlush >= options.flushIntervalNanos) {
            lastFlush = now;
            // The newest two segments hold everything written since the last flush.
            int n = 0;
            for (OutboxSegment s : segments.descendingMap().values()) {
                if (n++ == 2) {
                    break;
                }
                s.force();
            }
        }
    }

    /**
     * The records after the cursor, as a batch payload of at most {@code maxPayloadBytes}, or null when none
     * are complete yet. The cursor does not move until {@link #acknowledge}. Uploader thread.
     */
    public Batch nextBatch(int maxPayloadBytes) throws IOException {
        if (maxPayloadBytes < 1024 || maxPayloadBytes > ExperienceBatch.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("batch size must be 1024.." + ExperienceBatch.MAX_PAYLOAD_BYTES);
        }
        while (true) {
            OutboxSegment s = segments.get(cursorSegment);
            ByteBuffer view = readViews.computeIfAbsent(s.number, k -> s.view());
            ByteBuffer out = ByteBuffer.allocate(maxPayloadBytes).order(ByteOrder.LITTLE_ENDIAN);
            int headerEnd = ExperienceBatch.headerBytes(robot.length());
            out.position(headerEnd);
            int pos = cursorOffset;
            int count = 0;
            while (true) {
                int len = s.lengthAt(pos);
                if (len == 0 || !complete(s, view, pos, len)) {
                    break;
                }
                if (out.position() + 4 + len + 4 > maxPayloadBytes) {
                    if (count == 0) {
                        throw new IOException("a record of " + len + " bytes does not fit a batch of " + maxPayloadBytes);
                    }
                    break;
                }
                out.putInt(len);
                out.put(out.position(), view, pos + OutboxSegment.RECORD_PREFIX, len);
                out.position(out.position() + len);
                pos += (OutboxSegment.RECORD_PREFIX + len + 7) & ~7;
                count++;
            }
            if (count > 0) {
                int end = out.position();
                out.position(0);
                ExperienceBatch.writeHeader(out, robot, outboxId, s.number, cursorIndex, count);
                out.position(end);
                return new Batch(s.number, cursorIndex, count, pos, ExperienceBatch.seal(out));
            }
            // Nothing complete at the cursor: either the writer has not got further, or this segment is done.
            if (!s.sealed()) {
                return null;
            }
            int again = s.lengthAt(pos);
            if (again != 0 && complete(s, view, pos, again)) {
                continue; // written just before the seal
            }
            Map.Entry<Long, OutboxSegment> next = segments.higherEntry(s.number);
            if (next == null) {
                return null;
            }
            cursorSegment = next.getKey();
            cursorOffset = OutboxSegment.HEADER;
            cursorIndex = 0;
            writeCursor();
            retire(s);
        }
    }

    /** A record whose length is published and whose body matches its CRC and its own header. */
    private boolean complete(OutboxSegment s, ByteBuffer view, int pos, int len) {
        int body = pos + OutboxSegment.RECORD_PREFIX;
        if (len < TransitionLayout.HEADER || (long) body + len > s.capacity
                || TransitionLayout.announcedBytes(view, body, len) != len) {
            return false;
        }
        ByteBuffer v = view.duplicate();
        v.limit(body + len).position(body);
        readCrc.reset();
        readCrc.update(v);
        return (int) readCrc.getValue() == view.getInt(pos + 4);
    }

    /** The trainer stored {@code b}: move the cursor past it, durably. Uploader thread. */
    public void acknowledge(Batch b) throws IOException {
        if (b.segment() != cursorSegment || b.first() != cursorIndex) {
            throw new IllegalStateException("acknowledged batch " + b.segment() + ":" + b.first()
                    + " is not the one at the cursor " + cursorSegment + ":" + cursorIndex);
        }
        cursorOffset = b.endOffset();
        cursorIndex = b.first() + b.count();
        writeCursor();
        acknowledged += b.count();
    }

    private void retire(OutboxSegment s) throws IOException {
        segments.remove(s.number);
        readViews.remove(s.number);
        s.close();
        Files.deleteIfExists(s.file);
    }

    /** Segment files on disk (the written, the ready and the unacknowledged ones). */
    public int segmentsOnDisk() {
        return segments.size();
    }

    private void writeCursor() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        b.put(CURSOR_MAGIC).putShort((short) 1).putShort((short) 0).putLong(outboxId).putLong(cursorSegment)
                .putInt(cursorOffset).putInt(cursorIndex).putLong(nextNumber);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        DurableFiles.replace(dir.resolve(CURSOR), java.util.Arrays.copyOf(b.array(), b.position()));
    }

    /** {outbox id, segment, offset, index, next number}, or null when there is no cursor yet. */
    private static long[] readCursor(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, Math.max(0, bytes.length - 4));
        if (bytes.length != 44 || !java.util.Arrays.equals(bytes, 0, 4, CURSOR_MAGIC, 0, 4) || b.getShort(4) != 1
                || b.getInt(40) != (int) crc.getValue()) {
            throw new IOException(file + ": not a valid outbox cursor (refusing to guess what was uploaded)");
        }
        return new long[] {b.getLong(8), b.getLong(16), b.getInt(24), b.getInt(28), b.getLong(32)};
    }

    /** Flushes and unmaps every segment. Call after the control loop and the uploader stopped. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (OutboxSegment s : segments.values()) {
            try {
                s.force();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "flushing " + s.file + ": " + e.getMessage());
            }
            s.close();
        }
        segments.clear();
    }
}
