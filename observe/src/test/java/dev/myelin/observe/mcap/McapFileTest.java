package dev.myelin.observe.mcap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writer's summary lets the reader seek by time; cut files are scanned; foreign files are refused by name. */
class McapFileTest {
    private static final int N = 20_000;

    private static Path write(Path file) throws Exception {
        try (McapWriter w = new McapWriter(file, Mcap.PROFILE_ROS2, 4096, Mcap.COMPRESSION_ZSTD)) {
            int s = w.addSchema("std_msgs/msg/Int64", Mcap.SCHEMA_ROS2MSG, "int64 data\n".getBytes());
            int a = w.addChannel(s, "/a", Mcap.ENCODING_CDR, Map.of("offered_qos_profiles", "[]"));
            int b = w.addChannel(s, "/b", Mcap.ENCODING_CDR, Map.of());
            byte[] data = new byte[12];
            ByteBuffer bb = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < N; i++) {
                bb.putInt(0, 0x0100).putLong(4, i);
                w.write(i % 2 == 0 ? a : b, 1_000_000L * i, 1_000_000L * i, data, 0, data.length);
            }
        }
        return file;
    }

    @Test
    void summarySeeksByTimeAndChannel(@TempDir Path dir) throws Exception {
        Path file = write(dir.resolve("seek.mcap"));
        try (McapReader r = McapReader.open(file)) {
            assertTrue(r.isIndexed());
            assertEquals(N, r.messageCount());
            assertEquals(N / 2, r.channelMessageCounts().get(1));
            assertEquals("ros2", r.profile());
            assertEquals("[]", r.channels().get(0).metadata().get("offered_qos_profiles"));
            int chunks = r.chunks().size();
            assertTrue(chunks > 50, chunks + " chunks");
            List<Long> got = new ArrayList<>();
            long from = 1_000_000L * 12_000;
            long to = 1_000_000L * 12_099;
            r.messages(from, to, ch -> ch == 1, (ch, seq, log, pub, data, off, len) ->
                    got.add(ByteBuffer.wrap(data, off + 4, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()));
            List<Long> expected = new ArrayList<>();
            for (long i = 12_001; i <= 12_099; i += 2) {
                expected.add(i);
            }
            assertEquals(expected, got);
            long overlapping = r.chunks().stream().filter(c -> c.messageEndTime() >= from && c.messageStartTime() <= to).count();
            assertTrue(overlapping <= 3, overlapping + " of " + chunks + " chunks overlap the window");
        }
    }

    @Test
    void aCutFileIsScannedUpToItsLastCompleteChunk(@TempDir Path dir) throws Exception {
        Path whole = write(dir.resolve("whole.mcap"));
        byte[] bytes = Files.readAllBytes(whole);
        long lastChunkEnd;
        int cut;
        try (McapReader r = McapReader.open(whole)) {
            var c = r.chunks().get(r.chunks().size() / 2);
            lastChunkEnd = c.chunkStartOffset() + c.chunkLength();
            cut = (int) (c.chunkStartOffset() + c.chunkLength() + r.chunks().get(r.chunks().size() / 2 + 1).chunkLength() / 2);
        }
        Path cutFile = dir.resolve("cut.mcap");
        Files.write(cutFile, Arrays.copyOf(bytes, cut));
        try (McapReader r = McapReader.open(cutFile)) {
            assertFalse(r.isIndexed());
            assertTrue(r.truncation().contains("incomplete"), r.truncation());
            long[] next = {0};
            r.messages((ch, seq, log, pub, data, off, len) -> {
                assertEquals(next[0]++, ByteBuffer.wrap(data, off + 4, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
            });
            assertEquals(r.messageCount(), next[0]);
            assertTrue(r.chunks().getLast().chunkStartOffset() + r.chunks().getLast().chunkLength() <= lastChunkEnd + 4096);
            assertTrue(next[0] > N / 3, next[0] + " messages recovered");
        }
    }

    @Test
    void foreignAndDamagedFilesAreRefusedWithTheirName(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("notes.mcap");
        Files.writeString(text, "not a bag at all");
        McapFormatException e = assertThrows(McapFormatException.class, () -> McapReader.open(text));
        assertTrue(e.getMessage().contains("notes.mcap") && e.getMessage().contains("magic"), e.getMessage());

        Path whole = write(dir.resolve("flip.mcap"));
        byte[] bytes = Files.readAllBytes(whole);
        long chunkAt;
        try (McapReader r = McapReader.open(whole)) {
            chunkAt = r.chunks().get(3).chunkStartOffset();
        }
        bytes[(int) chunkAt + 9 + 60] ^= 0x5A; // inside the compressed records
        Files.write(whole, bytes);
        try (McapReader r = McapReader.open(whole)) {
            McapFormatException bad = assertThrows(McapFormatException.class,
                    () -> r.messages((ch, seq, log, pub, data, off, len) -> { }));
            assertTrue(bad.getMessage().contains("flip.mcap") && bad.getMessage().contains("offset " + chunkAt),
                    bad.getMessage());
        }
    }
}
