package dev.myelin.observe.bag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.myelin.observe.mcap.McapReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A recorder killed with SIGKILL mid-recording leaves a file that is read up to its last complete
 * chunk with nothing before it lost, and that {@code bag recover} turns into an indexed file the
 * official reader opens.
 */
class KillRecoveryTest {
    @Test
    void killedRecordingIsReadableUpToItsLastChunk(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("killed.mcap");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                RecordingChild.class.getName(), file.toString(),
                String.valueOf(ThreadLocalRandom.current().nextInt(101, 200)), "/killed/cmd_vel")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int chunksSeen = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("chunks ")) {
                    chunksSeen = Integer.parseInt(line.substring(7));
                    if (chunksSeen >= 5) {
                        break;
                    }
                }
            }
        } finally {
            child.destroyForcibly(); // SIGKILL
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        }
        assertTrue(chunksSeen >= 5, "child reported " + chunksSeen + " chunks");
        assertEquals(137, child.exitValue());

        List<Double> xs = new ArrayList<>();
        try (McapReader r = McapReader.open(file)) {
            assertFalse(r.isIndexed(), "a killed recorder writes no summary");
            assertEquals("ros2", r.profile());
            assertTrue(r.chunks().size() >= chunksSeen, r.chunks().size() + " chunks read, " + chunksSeen + " reported");
            r.messages((ch, seq, log, pub, data, off, len) -> {
                assertEquals(xs.size(), seq);
                // CDR: 4-byte header, then linear.x as a little-endian float64
                xs.add(ByteBuffer.wrap(data, off + 4, 8).order(ByteOrder.LITTLE_ENDIAN).getDouble());
            });
            assertEquals(r.messageCount(), xs.size());
        }
        assertTrue(xs.size() >= 5 * 4096 / 100, xs.size() + " messages");
        for (int i = 0; i < xs.size(); i++) {
            assertEquals(i, xs.get(i), "message " + i);
        }

        Path recovered = dir.resolve("recovered.mcap");
        assertEquals(xs.size(), Bags.recover(file, recovered));
        try (McapReader r = McapReader.open(recovered)) {
            assertTrue(r.isIndexed());
            assertEquals(xs.size(), r.messageCount());
        }
        JsonNode ts = new ObjectMapper().readTree(NodeMcap.run("read.cjs", recovered.toString()));
        assertEquals(xs.size(), ts.get("messages").size());
        JsonNode last = ts.get("messages").get(xs.size() - 1).get("message");
        assertEquals(xs.size() - 1, last.get("linear").get("x").asDouble());
    }
}
