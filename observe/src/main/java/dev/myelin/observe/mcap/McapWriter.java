package dev.myelin.observe.mcap;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import org.agrona.DirectBuffer;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Writes an MCAP file: header, schemas and channels in the data section as they are added,
 * messages in zstd-compressed chunks each followed by its message indexes, then on
 * {@link #close()} the summary (schemas, channels, statistics, chunk indexes), summary offsets and
 * footer. Every completed chunk is handed to the operating system at once, so a process killed
 * mid-recording leaves a file that {@link McapReader} reads up to its last complete chunk.
 *
 * <p>One thread at a time. After the chunk buffers have grown to the chunk size, writing a message
 * allocates nothing.
 */
public final class McapWriter implements Closeable {
    /** Default uncompressed chunk size. */
    public static final int DEFAULT_CHUNK_SIZE = 1 << 20;
    /** Default zstd level: 1, zstd's fastest regular level. */
    public static final int DEFAULT_ZSTD_LEVEL = 1;

    private final Path path;
    private final FileChannel out;
    private final int chunkSize;
    private final String compression;
    private final int level;
    private long position;

    private ByteBuffer record = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    private ByteBuffer chunk;
    private MemorySegment chunkSegment;
    private byte[] chunkSegmentArray;
    private byte[] compressed;
    private final CRC32 crc = new CRC32();
    private ZstdCompressCtx zstd;

    private final List<Schema> schemas = new ArrayList<>();
    private final List<Channel> channels = new ArrayList<>();
    private final List<ChunkIndex> chunkIndexes = new ArrayList<>();
    private long[][] indexEntries = new long[8][];
    private int[] indexCounts = new int[8];
    private long[] channelCounts = new long[8];
    private int[] sequences = new int[8];

    private long chunkStart = Long.MAX_VALUE;
    private long chunkEnd = Long.MIN_VALUE;
    private int chunkMessages;
    private long chunkOpenedNanos;
    private long messageCount;
    private long messageStart = Long.MAX_VALUE;
    private long messageEnd;
    private boolean closed;

    /** A schema as written: id, name, encoding and data. */
    public record Schema(int id, String name, String encoding, byte[] data) {
    }

    /** A channel as written. */
    public record Channel(int id, int schemaId, String topic, String messageEncoding, Map<String, String> metadata) {
    }

    /** Where a chunk lies and what it holds. */
    public record ChunkIndex(long messageStartTime, long messageEndTime, long chunkStartOffset, long chunkLength,
                             Map<Integer, Long> messageIndexOffsets, long messageIndexLength, String compression,
                             long compressedSize, long uncompressedSize) {
    }

    /** Opens {@code file} (replacing it) with zstd chunks of {@link #DEFAULT_CHUNK_SIZE}. */
    public McapWriter(Path file, String profile) throws IOException {
        this(file, profile, DEFAULT_CHUNK_SIZE, Mcap.COMPRESSION_ZSTD);
    }

    /**
     * @param chunkSize uncompressed bytes after which a chunk is closed and written
     * @param compression {@link Mcap#COMPRESSION_ZSTD} or {@link Mcap#COMPRESSION_NONE}
     */
    public McapWriter(Path file, String profile, int chunkSize, String compression) throws IOException {
        this(file, profile, chunkSize, compression, DEFAULT_ZSTD_LEVEL);
    }

    /**
     * @param chunkSize uncompressed bytes after which a chunk is closed and written
     * @param compression {@link Mcap#COMPRESSION_ZSTD} or {@link Mcap#COMPRESSION_NONE}
     * @param zstdLevel zstd level, -7 (fastest, least compression; zstd's "fast" levels) to 19
     */
    public McapWriter(Path file, String profile, int chunkSize, String compression, int zstdLevel) throws IOException {
        if (zstdLevel < -7 || zstdLevel > 19 || zstdLevel == 0) {
            throw new IllegalArgumentException("zstd level " + zstdLevel + " is not one of -7..-1, 1..19");
        }
        if (chunkSize < 1024) {
            throw new IllegalArgumentException("chunk size " + chunkSize + " is below 1024 bytes");
        }
        if (!compression.equals(Mcap.COMPRESSION_ZSTD) && !compression.equals(Mcap.COMPRESSION_NONE)) {
            throw new IllegalArgumentException("compression '" + compression + "' is not one of zstd, \"\"");
        }
        this.path = file;
        this.chunkSize = chunkSize;
        this.compression = compression;
        this.level = zstdLevel;
        this.chunk = ByteBuffer.allocate(chunkSize + chunkSize / 4).order(ByteOrder.LITTLE_ENDIAN);
        this.compressed = new byte[(int) Zstd.compressBound(chunk.capacity())];
        this.out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        writeRaw(ByteBuffer.wrap(Mcap.MAGIC));
        ByteBuffer r = begin(Mcap.OP_HEADER);
        putString(r, profile);
        putString(r, "myelin");
        end();
    }

    public Path path() {
        return path;
    }

    /** Adds a schema and writes its record; returns its id (from 1). */
    public int addSchema(String name, String encoding, byte[] data) throws IOException {
        int id = schemas.size() + 1;
        Schema s = new Schema(id, name, encoding, data.clone());
        schemas.add(s);
        writeSchema(s);
        end();
        return id;
    }

    /** Adds a channel and writes its record; returns its id (from 0). */
    public int addChannel(int schemaId, String topic, String messageEncoding, Map<String, String> metadata)
            throws IOException {
        if (schemaId != 0 && (schemaId < 1 || schemaId > schemas.size())) {
            throw new IllegalArgumentException("channel " + topic + " refers to unknown schema " + schemaId);
        }
        int id = channels.size();
        if (id > 0xFFFF) {
            throw new IllegalStateException("more than 65536 channels");
        }
        Channel c = new Channel(id, schemaId, topic, messageEncoding, Map.copyOf(new LinkedHashMap<>(metadata)));
        channels.add(c);
        if (id >= indexCounts.length) {
            int n = indexCounts.length * 2;
            indexEntries = Arrays.copyOf(indexEntries, n);
            indexCounts = Arrays.copyOf(indexCounts, n);
            channelCounts = Arrays.copyOf(channelCounts, n);
            sequences = Arrays.copyOf(sequences, n);
        }
        indexEntries[id] = new long[64];
        writeChannel(c);
        end();
        return id;
    }

    public List<Schema> schemas() {
        return List.copyOf(schemas);
    }

    public List<Channel> channels() {
        return List.copyOf(channels);
    }

    /** Chunks written so far. */
    public int chunkCount() {
        return chunkIndexes.size();
    }

    /** Messages written so far (including those in the open chunk). */
    public long messageCount() {
        return messageCount;
    }

    /** Bytes written to the file so far. */
    public long position() {
        return position;
    }

    /** Writes one message of {@code data[offset, offset + length)}. */
    public void write(int channelId, long logTime, long publishTime, byte[] data, int offset, int length)
            throws IOException {
        ByteBuffer c = startMessage(channelId, logTime, publishTime, length);
        c.put(data, offset, length);
        endMessage();
    }

    /** Writes one message of {@code length} bytes of {@code data} from {@code offset}. */
    public void write(int channelId, long logTime, long publishTime, DirectBuffer data, int offset, int length)
            throws IOException {
        ByteBuffer c = startMessage(channelId, logTime, publishTime, length);
        data.getBytes(offset, c, c.position(), length);
        c.position(c.position() + length);
        endMessage();
    }

    /** Writes one message of the first {@code length} bytes of {@code data}. */
    public void write(int channelId, long logTime, long publishTime, MemorySegment data, long length) throws IOException {
        if (length < 0 || length > data.byteSize() || length > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("message length " + length + " outside the " + data.byteSize() + " bytes given");
        }
        ByteBuffer c = startMessage(channelId, logTime, publishTime, (int) length);
        if (chunkSegmentArray != c.array()) {
            chunkSegmentArray = c.array();
            chunkSegment = MemorySegment.ofArray(chunkSegmentArray);
        }
        MemorySegment.copy(data, 0, chunkSegment, c.position(), length);
        c.position(c.position() + (int) length);
        endMessage();
    }

    private ByteBuffer startMessage(int channelId, long logTime, long publishTime, int length) throws IOException {
        if (closed) {
            throw new IllegalStateException(path + " is closed");
        }
        if (channelId < 0 || channelId >= channels.size()) {
            throw new IllegalArgumentException("unknown channel " + channelId);
        }
        int recordSize = 1 + 8 + 2 + 4 + 8 + 8 + length;
        if (chunk.position() > 0 && chunk.position() + recordSize > chunk.capacity()) {
            flushChunk();
        }
        if (recordSize > chunk.capacity()) {
            chunk = ByteBuffer.allocate(recordSize).order(ByteOrder.LITTLE_ENDIAN);
            compressed = new byte[(int) Zstd.compressBound(recordSize)];
        }
        if (chunkMessages == 0) {
            chunkOpenedNanos = System.nanoTime();
        }
        ByteBuffer c = chunk;
        addIndexEntry(channelId, logTime, c.position());
        c.put((byte) Mcap.OP_MESSAGE).putLong(2 + 4 + 8 + 8 + length)
         .putShort((short) channelId).putInt(sequences[channelId]++).putLong(logTime).putLong(publishTime);
        chunkStart = Math.min(chunkStart, logTime);
        chunkEnd = Math.max(chunkEnd, logTime);
        messageStart = Math.min(messageStart, logTime);
        messageEnd = Math.max(messageEnd, logTime);
        channelCounts[channelId]++;
        messageCount++;
        chunkMessages++;
        return c;
    }

    private void endMessage() throws IOException {
        if (chunk.position() >= chunkSize) {
            flushChunk();
        }
    }

    /** Closes the open chunk if it is older than {@code maxAgeNanos}; returns whether it did. */
    public boolean flushIfOlderThan(long maxAgeNanos) throws IOException {
        if (chunkMessages > 0 && System.nanoTime() - chunkOpenedNanos >= maxAgeNanos) {
            flushChunk();
            return true;
        }
        return false;
    }

    private void addIndexEntry(int channelId, long logTime, long offset) {
        long[] e = indexEntries[channelId];
        int n = indexCounts[channelId];
        if (2 * n + 2 > e.length) {
            e = Arrays.copyOf(e, e.length * 2);
            indexEntries[channelId] = e;
        }
        e[2 * n] = logTime;
        e[2 * n + 1] = offset;
        indexCounts[channelId] = n + 1;
    }

    /** Compresses and writes the open chunk and its message indexes. */
    public void flushChunk() throws IOException {
        if (chunkMessages == 0) {
            return;
        }
        byte[] raw = chunk.array();
        int size = chunk.position();
        crc.reset();
        crc.update(raw, 0, size);
        int crcValue = (int) crc.getValue();
        byte[] body;
        int bodySize;
        if (compression.equals(Mcap.COMPRESSION_ZSTD)) {
            if (zstd == null) {
                // one context for the file: making one per chunk would set up zstd's tables for every chunk again
                zstd = new ZstdCompressCtx().setLevel(level);
            }
            try {
                bodySize = zstd.compressByteArray(compressed, 0, compressed.length, raw, 0, size);
            } catch (ZstdException e) {
                throw new IOException("zstd compression of a chunk failed: " + e.getMessage(), e);
            }
            body = compressed;
        } else {
            body = raw;
            bodySize = size;
        }
        long chunkOffset = position;
        ByteBuffer r = begin(Mcap.OP_CHUNK);
        r.putLong(chunkStart).putLong(chunkEnd).putLong(size).putInt(crcValue);
        putString(r, compression);
        r.putLong(bodySize);
        long headerLength = r.position();
        r.putLong(1, headerLength - 9 + bodySize);
        r.flip();
        writeRaw(r);
        writeRaw(ByteBuffer.wrap(body, 0, bodySize));
        long chunkLength = position - chunkOffset;

        long indexStart = position;
        Map<Integer, Long> indexOffsets = new LinkedHashMap<>();
        for (int ch = 0; ch < channels.size(); ch++) {
            int n = indexCounts[ch];
            if (n == 0) {
                continue;
            }
            indexOffsets.put(ch, position);
            ByteBuffer m = begin(Mcap.OP_MESSAGE_INDEX, 2 + 4 + 16 * n);
            m.putShort((short) ch).putInt(16 * n);
            long[] e = indexEntries[ch];
            for (int i = 0; i < 2 * n; i++) {
                m.putLong(e[i]);
            }
            end();
            indexCounts[ch] = 0;
        }
        chunkIndexes.add(new ChunkIndex(chunkStart, chunkEnd, chunkOffset, chunkLength, indexOffsets,
                position - indexStart, compression, bodySize, size));
        chunk.clear();
        chunkMessages = 0;
        chunkStart = Long.MAX_VALUE;
        chunkEnd = Long.MIN_VALUE;
    }

    /** Writes the last chunk, the summary and the footer, and closes the file. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            flushChunk();
            ByteBuffer r = begin(Mcap.OP_DATA_END);
            r.putInt(0);
            end();
            long summaryStart = position;
            long[][] groups = new long[4][];
            long g = position;
            for (Schema s : schemas) {
                writeSchema(s);
                end();
            }
            groups[0] = new long[]{Mcap.OP_SCHEMA, g, position - g};
            g = position;
            for (Channel c : channels) {
                writeChannel(c);
                end();
            }
            groups[1] = new long[]{Mcap.OP_CHANNEL, g, position - g};
            g = position;
            writeStatistics();
            groups[2] = new long[]{Mcap.OP_STATISTICS, g, position - g};
            g = position;
            for (ChunkIndex ci : chunkIndexes) {
                writeChunkIndex(ci);
            }
            groups[3] = new long[]{Mcap.OP_CHUNK_INDEX, g, position - g};
            long summaryOffsetStart = position;
            for (long[] group : groups) {
                if (group[2] > 0) {
                    ByteBuffer o = begin(Mcap.OP_SUMMARY_OFFSET);
                    o.put((byte) group[0]).putLong(group[1]).putLong(group[2]);
                    end();
                }
            }
            ByteBuffer f = begin(Mcap.OP_FOOTER);
            f.putLong(summaryStart).putLong(summaryOffsetStart).putInt(0);
            end();
            writeRaw(ByteBuffer.wrap(Mcap.MAGIC));
            out.force(false);
        } finally {
            closed = true;
            if (zstd != null) {
                zstd.close();
            }
            out.close();
        }
    }

    private void writeSchema(Schema s) throws IOException {
        ByteBuffer r = begin(Mcap.OP_SCHEMA, 64 + s.name().length() * 4 + s.data().length);
        r.putShort((short) s.id());
        putString(r, s.name());
        putString(r, s.encoding());
        r.putInt(s.data().length).put(s.data());
    }

    private void writeChannel(Channel c) throws IOException {
        ByteBuffer r = begin(Mcap.OP_CHANNEL, 256 + mapSize(c.metadata()));
        r.putShort((short) c.id()).putShort((short) c.schemaId());
        putString(r, c.topic());
        putString(r, c.messageEncoding());
        int lengthAt = r.position();
        r.putInt(0);
        for (Map.Entry<String, String> e : c.metadata().entrySet()) {
            putString(r, e.getKey());
            putString(r, e.getValue());
        }
        r.putInt(lengthAt, r.position() - lengthAt - 4);
    }

    private static int mapSize(Map<String, String> m) {
        int n = 0;
        for (Map.Entry<String, String> e : m.entrySet()) {
            n += 8 + 4 * (e.getKey().length() + e.getValue().length());
        }
        return n;
    }

    private void writeStatistics() throws IOException {
        ByteBuffer r = begin(Mcap.OP_STATISTICS, 64 + 10 * channels.size());
        r.putLong(messageCount).putShort((short) schemas.size()).putInt(channels.size()).putInt(0).putInt(0)
         .putInt(chunkIndexes.size()).putLong(messageCount == 0 ? 0 : messageStart).putLong(messageEnd);
        r.putInt(10 * channels.size());
        for (Channel c : channels) {
            r.putShort((short) c.id()).putLong(channelCounts[c.id()]);
        }
        end();
    }

    private void writeChunkIndex(ChunkIndex ci) throws IOException {
        ByteBuffer r = begin(Mcap.OP_CHUNK_INDEX, 96 + 10 * ci.messageIndexOffsets().size());
        r.putLong(ci.messageStartTime()).putLong(ci.messageEndTime()).putLong(ci.chunkStartOffset())
         .putLong(ci.chunkLength());
        r.putInt(10 * ci.messageIndexOffsets().size());
        ci.messageIndexOffsets().forEach((ch, off) -> r.putShort((short) (int) ch).putLong(off));
        r.putLong(ci.messageIndexLength());
        putString(r, ci.compression());
        r.putLong(ci.compressedSize()).putLong(ci.uncompressedSize());
        end();
    }

    // record scratch: begin() reserves opcode and length, end() fills the length and writes

    private ByteBuffer begin(int opcode) {
        return begin(opcode, 256);
    }

    private ByteBuffer begin(int opcode, int capacityHint) {
        if (record.capacity() < capacityHint + 9) {
            record = ByteBuffer.allocate(Math.max(capacityHint + 9, record.capacity() * 2)).order(ByteOrder.LITTLE_ENDIAN);
        }
        record.clear();
        record.put((byte) opcode).putLong(0);
        return record;
    }

    private void end() throws IOException {
        record.putLong(1, record.position() - 9L);
        record.flip();
        writeRaw(record);
    }

    private static void putString(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putInt(bytes.length).put(bytes);
    }

    private void writeRaw(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            position += out.write(b);
        }
    }
}
