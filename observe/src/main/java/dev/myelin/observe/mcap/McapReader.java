package dev.myelin.observe.mcap;

import com.github.luben.zstd.Zstd;

import java.io.Closeable;
import java.io.IOException;
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
import java.util.TreeMap;
import java.util.function.IntPredicate;
import java.util.zip.CRC32;

/**
 * Reads an MCAP file. A file with a summary is indexed from it: schemas, channels, statistics and
 * chunk indexes, so {@link #messages} decompresses only the chunks that overlap the requested time
 * range. A file without one (a recorder that was killed) is scanned from the start up to the last
 * complete record; {@link #isIndexed()} tells which. Chunks may be zstd-compressed or stored.
 */
public final class McapReader implements Closeable {
    private final Path path;
    private final FileChannel in;
    private final long size;
    private String profile = "";
    private String library = "";
    private final Map<Integer, McapWriter.Schema> schemas = new TreeMap<>();
    private final Map<Integer, McapWriter.Channel> channels = new TreeMap<>();
    private final List<McapWriter.ChunkIndex> chunks = new ArrayList<>();
    private final Map<Integer, Long> channelCounts = new TreeMap<>();
    private long messageCount;
    private long messageStart;
    private long messageEnd;
    private boolean indexed;
    private long dataEnd;
    private long looseMessages;
    private String truncation;

    /** One message: its channel, sequence, times and payload (valid during the visit only). */
    public interface Visitor {
        void onMessage(McapWriter.Channel channel, int sequence, long logTime, long publishTime,
                       byte[] data, int offset, int length) throws IOException;
    }

    private McapReader(Path path) throws IOException {
        this.path = path;
        this.in = FileChannel.open(path, StandardOpenOption.READ);
        this.size = in.size();
    }

    /** Opens {@code file} and reads its summary, or scans it when it has none. */
    public static McapReader open(Path file) throws IOException {
        McapReader r = new McapReader(file);
        try {
            r.load();
            return r;
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
    }

    private void load() throws IOException {
        if (size < Mcap.MAGIC.length || !Arrays.equals(read(0, Mcap.MAGIC.length).array(), Mcap.MAGIC)) {
            throw new McapFormatException(path + ": not an MCAP file (no MCAP magic at offset 0)");
        }
        if (size >= Mcap.MAGIC.length + 9) {
            ByteBuffer h = read(Mcap.MAGIC.length, 9);
            long len = h.get() == Mcap.OP_HEADER ? h.getLong() : -1;
            if (len >= 8 && Mcap.MAGIC.length + 9 + len <= size) {
                ByteBuffer c = read(Mcap.MAGIC.length + 9, len);
                profile = string(c);
                library = string(c);
            }
        }
        long footerAt = size - Mcap.MAGIC.length - Mcap.FOOTER_RECORD_SIZE;
        if (footerAt > Mcap.MAGIC.length
                && Arrays.equals(read(size - Mcap.MAGIC.length, Mcap.MAGIC.length).array(), Mcap.MAGIC)) {
            ByteBuffer f = read(footerAt, Mcap.FOOTER_RECORD_SIZE);
            if (f.get() == Mcap.OP_FOOTER && f.getLong() == 20) {
                long summaryStart = f.getLong();
                long summaryOffsetStart = f.getLong();
                if (summaryStart > 0 && summaryStart <= footerAt) {
                    long summaryEnd = summaryOffsetStart > 0 ? summaryOffsetStart : footerAt;
                    readSummary(summaryStart, summaryEnd);
                    indexed = true;
                    dataEnd = summaryStart;
                    if (!chunks.isEmpty() || messageCount == 0) {
                        return;
                    }
                }
            }
        }
        // no summary (or messages outside chunks): scan the data section
        chunks.clear();
        channelCounts.clear();
        messageCount = 0;
        scan();
    }

    private void readSummary(long start, long end) throws IOException {
        ByteBuffer b = read(start, end - start);
        while (b.remaining() >= 9) {
            int op = b.get() & 0xFF;
            long len = b.getLong();
            if (len > b.remaining()) {
                throw new McapFormatException(path + ": summary record 0x" + Integer.toHexString(op) + " at offset "
                        + (start + b.position() - 9) + " runs past the summary");
            }
            ByteBuffer content = b.slice(b.position(), (int) len).order(ByteOrder.LITTLE_ENDIAN);
            b.position(b.position() + (int) len);
            switch (op) {
                case Mcap.OP_SCHEMA -> addSchema(content);
                case Mcap.OP_CHANNEL -> addChannel(content);
                case Mcap.OP_CHUNK_INDEX -> chunks.add(chunkIndex(content));
                case Mcap.OP_STATISTICS -> statistics(content);
                default -> {
                }
            }
        }
    }

    private void statistics(ByteBuffer c) {
        messageCount = c.getLong();
        c.getShort();
        c.getInt();
        c.getInt();
        c.getInt();
        c.getInt();
        messageStart = c.getLong();
        messageEnd = c.getLong();
        int mapLen = c.getInt();
        int endAt = c.position() + mapLen;
        while (c.position() < endAt) {
            channelCounts.put(c.getShort() & 0xFFFF, c.getLong());
        }
    }

    private McapWriter.ChunkIndex chunkIndex(ByteBuffer c) {
        long start = c.getLong();
        long end = c.getLong();
        long offset = c.getLong();
        long length = c.getLong();
        int mapLen = c.getInt();
        Map<Integer, Long> offsets = new LinkedHashMap<>();
        int endAt = c.position() + mapLen;
        while (c.position() < endAt) {
            offsets.put(c.getShort() & 0xFFFF, c.getLong());
        }
        long indexLength = c.getLong();
        String compression = string(c);
        return new McapWriter.ChunkIndex(start, end, offset, length, offsets, indexLength, compression, c.getLong(),
                c.getLong());
    }

    private void addSchema(ByteBuffer c) {
        int id = c.getShort() & 0xFFFF;
        String name = string(c);
        String encoding = string(c);
        byte[] data = new byte[c.getInt()];
        c.get(data);
        schemas.putIfAbsent(id, new McapWriter.Schema(id, name, encoding, data));
    }

    private void addChannel(ByteBuffer c) {
        int id = c.getShort() & 0xFFFF;
        int schemaId = c.getShort() & 0xFFFF;
        String topic = string(c);
        String encoding = string(c);
        int mapLen = c.getInt();
        int endAt = c.position() + mapLen;
        Map<String, String> meta = new LinkedHashMap<>();
        while (c.position() < endAt) {
            meta.put(string(c), string(c));
        }
        channels.putIfAbsent(id, new McapWriter.Channel(id, schemaId, topic, encoding, meta));
    }

    private static String string(ByteBuffer c) {
        int n = c.getInt();
        String s = new String(c.array(), c.arrayOffset() + c.position(), n, StandardCharsets.UTF_8);
        c.position(c.position() + n);
        return s;
    }

    /** Sequential scan: every complete record from the header on; stops at the first incomplete one. */
    private void scan() throws IOException {
        long pos = Mcap.MAGIC.length;
        messageStart = Long.MAX_VALUE;
        messageEnd = Long.MIN_VALUE;
        while (pos + 9 <= size) {
            ByteBuffer h = read(pos, 9);
            int op = h.get() & 0xFF;
            long len = h.getLong();
            if (len < 0 || pos + 9 + len > size) {
                truncation = "record 0x" + Integer.toHexString(op) + " at offset " + pos + " is incomplete ("
                        + (size - pos - 9) + " of " + len + " bytes)";
                break;
            }
            if (op == Mcap.OP_DATA_END || op == Mcap.OP_FOOTER) {
                break;
            }
            switch (op) {
                case Mcap.OP_HEADER -> {
                    ByteBuffer c = read(pos + 9, len);
                    profile = string(c);
                    library = string(c);
                }
                case Mcap.OP_SCHEMA -> addSchema(read(pos + 9, len));
                case Mcap.OP_CHANNEL -> addChannel(read(pos + 9, len));
                case Mcap.OP_MESSAGE -> {
                    ByteBuffer c = read(pos + 9, 16);
                    int ch = c.getShort() & 0xFFFF;
                    c.getInt();
                    count(ch, c.getLong());
                    looseMessages++;
                }
                case Mcap.OP_CHUNK -> {
                    ByteBuffer c = read(pos + 9, 32);
                    long start = c.getLong();
                    long end = c.getLong();
                    long uncompressed = c.getLong();
                    c.getInt();
                    int compLen = c.getInt();
                    String compression = new String(read(pos + 9 + 32, compLen).array(), StandardCharsets.UTF_8);
                    long compressedSize = len - 32 - compLen - 8;
                    McapWriter.ChunkIndex ci = new McapWriter.ChunkIndex(start, end, pos, 9 + len, Map.of(), 0,
                            compression, compressedSize, uncompressed);
                    // read the chunk's records: schemas and channels may live inside chunks
                    forEachRecord(ci, (ch, seq, log, pub, data, off, n) -> count(ch.id(), log), true);
                    chunks.add(ci);
                }
                default -> {
                }
            }
            pos += 9 + len;
        }
        dataEnd = pos;
        if (messageCount == 0) {
            messageStart = 0;
            messageEnd = 0;
        }
    }

    private void count(int channel, long logTime) {
        channelCounts.merge(channel, 1L, Long::sum);
        messageCount++;
        messageStart = Math.min(messageStart, logTime);
        messageEnd = Math.max(messageEnd, logTime);
    }

    /**
     * Visits the messages with log time in {@code [start, end]} on channels {@code wanted} accepts,
     * chunk by chunk in file order.
     */
    public void messages(long start, long end, IntPredicate wanted, Visitor visitor) throws IOException {
        if (looseMessages > 0) {
            scanLoose(start, end, wanted, visitor);
        }
        for (McapWriter.ChunkIndex ci : chunks) {
            if (ci.messageEndTime() < start || ci.messageStartTime() > end) {
                continue;
            }
            forEachRecord(ci, (ch, seq, log, pub, data, off, n) -> {
                if (log >= start && log <= end && wanted.test(ch.id())) {
                    visitor.onMessage(ch, seq, log, pub, data, off, n);
                }
            }, false);
        }
    }

    /** Visits every message. */
    public void messages(Visitor visitor) throws IOException {
        messages(Long.MIN_VALUE, Long.MAX_VALUE, ch -> true, visitor);
    }

    private void scanLoose(long start, long end, IntPredicate wanted, Visitor visitor) throws IOException {
        long pos = Mcap.MAGIC.length;
        while (pos + 9 <= dataEnd) {
            ByteBuffer h = read(pos, 9);
            int op = h.get() & 0xFF;
            long len = h.getLong();
            if (op == Mcap.OP_MESSAGE) {
                ByteBuffer c = read(pos + 9, len);
                int ch = c.getShort() & 0xFFFF;
                int seq = c.getInt();
                long log = c.getLong();
                long pub = c.getLong();
                McapWriter.Channel channel = channel(ch, pos);
                if (log >= start && log <= end && wanted.test(ch)) {
                    visitor.onMessage(channel, seq, log, pub, c.array(), 22, (int) len - 22);
                }
            }
            pos += 9 + len;
        }
    }

    private byte[] chunkBuffer = new byte[0];
    private byte[] compressedBuffer = new byte[0];

    private void forEachRecord(McapWriter.ChunkIndex ci, Visitor visitor, boolean collectDefinitions) throws IOException {
        long pos = ci.chunkStartOffset();
        ByteBuffer h = read(pos + 9, 32);
        h.position(28);
        int compLen = h.getInt();
        long recordsLen = read(pos + 9 + 32 + compLen, 8).getLong();
        long recordsAt = pos + 9 + 32 + compLen + 8;
        ByteBuffer head = read(pos + 9, 28);
        head.position(16);
        long uncompressed = head.getLong();
        int expectedCrc = head.getInt();
        if (uncompressed > Integer.MAX_VALUE - 16 || recordsLen > Integer.MAX_VALUE - 16) {
            throw new McapFormatException(path + ": chunk at offset " + pos + " is larger than 2 GiB");
        }
        byte[] records;
        switch (ci.compression()) {
            case Mcap.COMPRESSION_NONE -> records = read(recordsAt, recordsLen).array();
            case Mcap.COMPRESSION_ZSTD -> {
                if (compressedBuffer.length < recordsLen) {
                    compressedBuffer = new byte[(int) recordsLen];
                }
                ByteBuffer cb = ByteBuffer.wrap(compressedBuffer, 0, (int) recordsLen);
                readFully(recordsAt, cb);
                if (chunkBuffer.length < uncompressed) {
                    chunkBuffer = new byte[(int) uncompressed];
                }
                long n;
                try {
                    n = Zstd.decompressByteArray(chunkBuffer, 0, (int) uncompressed, compressedBuffer, 0, (int) recordsLen);
                } catch (RuntimeException e) {
                    throw new McapFormatException(path + ": chunk at offset " + pos + " does not decompress: " + e.getMessage());
                }
                if (Zstd.isError(n) || n != uncompressed) {
                    throw new McapFormatException(path + ": chunk at offset " + pos + " does not decompress to its "
                            + uncompressed + " bytes" + (Zstd.isError(n) ? " (" + Zstd.getErrorName(n) + ")" : " (got " + n + ")"));
                }
                records = chunkBuffer;
            }
            default -> throw new McapFormatException(path + ": chunk at offset " + pos + " uses compression '"
                    + ci.compression() + "'; only zstd and uncompressed chunks are read");
        }
        if (expectedCrc != 0) {
            CRC32 crc = new CRC32();
            crc.update(records, 0, (int) uncompressed);
            if ((int) crc.getValue() != expectedCrc) {
                throw new McapFormatException(path + ": chunk at offset " + pos + " fails its CRC check");
            }
        }
        ByteBuffer b = ByteBuffer.wrap(records, 0, (int) uncompressed).order(ByteOrder.LITTLE_ENDIAN);
        while (b.remaining() >= 9) {
            int at = b.position();
            int op = b.get() & 0xFF;
            long len = b.getLong();
            if (len > b.remaining()) {
                throw new McapFormatException(path + ": record at byte " + at + " of the chunk at offset " + pos
                        + " runs past the chunk");
            }
            int contentAt = b.position();
            switch (op) {
                case Mcap.OP_MESSAGE -> {
                    int ch = b.getShort() & 0xFFFF;
                    int seq = b.getInt();
                    long log = b.getLong();
                    long pub = b.getLong();
                    visitor.onMessage(channel(ch, pos), seq, log, pub, records, contentAt + 22, (int) len - 22);
                }
                case Mcap.OP_SCHEMA -> {
                    if (collectDefinitions) {
                        addSchema(b.slice(contentAt, (int) len).order(ByteOrder.LITTLE_ENDIAN));
                    }
                }
                case Mcap.OP_CHANNEL -> {
                    if (collectDefinitions) {
                        addChannel(b.slice(contentAt, (int) len).order(ByteOrder.LITTLE_ENDIAN));
                    }
                }
                default -> {
                }
            }
            b.position(contentAt + (int) len);
        }
    }

    private McapWriter.Channel channel(int id, long at) throws McapFormatException {
        McapWriter.Channel c = channels.get(id);
        if (c == null) {
            throw new McapFormatException(path + ": message near offset " + at + " refers to channel " + id
                    + ", which is not defined before it");
        }
        return c;
    }

    private ByteBuffer read(long offset, long length) throws IOException {
        if (length > Integer.MAX_VALUE - 16 || offset + length > size) {
            throw new McapFormatException(path + ": " + length + " bytes at offset " + offset + " lie past the end of the file ("
                    + size + " bytes)");
        }
        ByteBuffer b = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
        readFully(offset, b);
        b.flip();
        return b;
    }

    private void readFully(long offset, ByteBuffer b) throws IOException {
        long at = offset;
        while (b.hasRemaining()) {
            int n = in.read(b, at);
            if (n < 0) {
                throw new McapFormatException(path + ": unexpected end of file at offset " + at);
            }
            at += n;
        }
    }

    public Path path() {
        return path;
    }

    /** Whether the file has a summary (was closed properly). */
    public boolean isIndexed() {
        return indexed;
    }

    /** Why the scan of an unindexed file stopped early, or null. */
    public String truncation() {
        return truncation;
    }

    public long fileSize() {
        return size;
    }

    /** Header profile (read when the file was scanned), e.g. {@code ros2}. */
    public String profile() {
        return profile;
    }

    public String library() {
        return library;
    }

    public Map<Integer, McapWriter.Schema> schemas() {
        return schemas;
    }

    public Map<Integer, McapWriter.Channel> channels() {
        return channels;
    }

    public List<McapWriter.ChunkIndex> chunks() {
        return List.copyOf(chunks);
    }

    public Map<Integer, Long> channelMessageCounts() {
        return channelCounts;
    }

    public long messageCount() {
        return messageCount;
    }

    public long messageStartTime() {
        return messageStart;
    }

    public long messageEndTime() {
        return messageEnd;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
