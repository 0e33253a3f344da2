package dev.myelin.observe.bag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.myelin.observe.mcap.McapReader;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.TopicEndpoint;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageYaml;
import dev.myelin.ros2.msg.PrimitiveArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bags against the official TypeScript MCAP libraries: a bag Myelin records from live topics is
 * read by {@code @mcap/core} (zstd through {@code @mcap/support}), its schemas parsed by
 * {@code @foxglove/rosmsg} and every message decoded by {@code @foxglove/rosmsg2-serialization}
 * to the values published; a file written by {@code @mcap/core} plays back onto a ROS 2 topic.
 */
class McapInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Context context;

    @BeforeAll
    static void open() {
        context = Context.builder().domainId(ThreadLocalRandom.current().nextInt(101, 200)).localhostOnly(true).build();
    }

    @AfterAll
    static void close() {
        context.close();
    }

    @Test
    void recordedBagDecodesWithTheOfficialReaders(@TempDir Path dir) throws Exception {
        Node node = context.createNode("interop_pub");
        Publisher twist = node.createPublisher("/interop/cmd_vel", "geometry_msgs/msg/Twist", Qos.DEFAULT.withDepth(200));
        Publisher scan = node.createPublisher("/interop/scan", "sensor_msgs/msg/LaserScan", Qos.DEFAULT.withDepth(200));
        Path file = dir.resolve("interop.mcap");
        BagRecorder rec = new BagRecorder(context, file, new BagRecorder.Settings(8192, 1 << 20, 1_000_000_000L));
        rec.record("/interop/cmd_vel", twist.type(), publishersOf("/interop/cmd_vel"));
        rec.record("/interop/scan", scan.type(), publishersOf("/interop/scan"));
        assertTrue(twist.waitForSubscriptions(1, Duration.ofSeconds(10)));
        assertTrue(scan.waitForSubscriptions(1, Duration.ofSeconds(10)));

        int n = 40;
        Message t = twist.type().newMessage();
        Message s = scan.type().newMessage();
        for (int i = 0; i < n; i++) {
            MessageYaml.apply("{linear: {x: " + (i * 0.5) + ", y: -1.25, z: 0.0}, angular: {x: 0.0, y: 0.0, z: " + (-i) + "}}", t);
            twist.publish(t);
            MessageYaml.apply("{header: {stamp: {sec: " + (100 + i) + ", nanosec: 7}, frame_id: laser}, angle_min: -3.1415927,"
                    + " angle_max: 3.1415927, angle_increment: 0.017453292, range_min: 0.1, range_max: 12.0}", s);
            PrimitiveArray ranges = s.primitives(scan.type().field("ranges"));
            ranges.resize(360);
            for (int k = 0; k < 360; k++) {
                ranges.setFloat(k, i + k / 1000f);
            }
            scan.publish(s);
        }
        assertTrue(twist.waitForAcknowledgements(Duration.ofSeconds(5)));
        assertTrue(scan.waitForAcknowledgements(Duration.ofSeconds(5)));
        Thread.sleep(200);
        rec.close();
        assertEquals(0, rec.totalDropped());

        try (McapReader r = McapReader.open(file)) {
            assertTrue(r.isIndexed());
            assertEquals(2L * n, r.messageCount());
            assertTrue(r.chunks().size() > 1, "several chunks at 8 KiB each: " + r.chunks().size());
        }

        JsonNode out = JSON.readTree(NodeMcap.run("read.cjs", file.toString()));
        assertEquals("ros2", out.get("profile").asText());
        assertEquals("[\"zstd\"]", out.get("compression").toString());
        assertEquals(String.valueOf(2 * n), out.get("messageCount").asText());
        JsonNode scanChannel = out.get("channels").get("/interop/scan");
        assertEquals("sensor_msgs/msg/LaserScan", scanChannel.get("schemaName").asText());
        assertEquals("ros2msg", scanChannel.get("schemaEncoding").asText());
        assertEquals("cdr", scanChannel.get("messageEncoding").asText());
        assertTrue(scanChannel.get("metadata").get("offered_qos_profiles").asText().contains("reliability: 1"),
                scanChannel.get("metadata").toString());
        List<String> defs = new ArrayList<>();
        scanChannel.get("definitionNames").forEach(d -> defs.add(d.asText()));
        assertTrue(defs.contains("std_msgs/Header") && defs.contains("builtin_interfaces/Time"), defs.toString());

        int twists = 0;
        int scans = 0;
        for (JsonNode m : out.get("messages")) {
            JsonNode msg = m.get("message");
            if (m.get("topic").asText().equals("/interop/cmd_vel")) {
                int i = m.get("sequence").asInt();
                assertEquals(twists, i);
                assertEquals(i * 0.5, msg.get("linear").get("x").asDouble());
                assertEquals(-1.25, msg.get("linear").get("y").asDouble());
                assertEquals(-i, msg.get("angular").get("z").asDouble(), 0.0);
                twists++;
            } else {
                int i = scans;
                assertEquals(i, m.get("sequence").asInt());
                assertEquals(100 + i, msg.get("header").get("stamp").get("sec").asInt());
                assertEquals(7, msg.get("header").get("stamp").get("nanosec").asInt());
                assertEquals("laser", msg.get("header").get("frame_id").asText());
                assertEquals((double) 12.0f, msg.get("range_max").asDouble());
                assertEquals((double) -3.1415927f, msg.get("angle_min").asDouble());
                JsonNode ranges = msg.get("ranges");
                assertEquals(360, ranges.size());
                for (int k = 0; k < 360; k++) {
                    assertEquals((double) (i + k / 1000f), ranges.get(k).asDouble(), "scan " + i + " range " + k);
                }
                assertEquals(0, msg.get("intensities").size());
                scans++;
            }
        }
        assertEquals(n, twists);
        assertEquals(n, scans);
    }

    @Test
    void fileWrittenByOfficialWriterPlaysOntoTopics(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("from-ts.mcap");
        int n = 50;
        NodeMcap.run("write.cjs", file.toString(), "/interop/played", String.valueOf(n));

        Node node = context.createNode("interop_sub");
        List<double[]> got = new CopyOnWriteArrayList<>();
        List<Long> clocks = new CopyOnWriteArrayList<>();
        var type = context.messageTypes().get("geometry_msgs/msg/Twist");
        Subscription sub = node.createSubscription("/interop/played", type, Qos.DEFAULT.withDepth(100), (m, at) ->
                got.add(new double[]{m.getDouble(type.field("linear.x")), m.getDouble(type.field("linear.y")),
                        m.getDouble(type.field("angular.z")), at}));
        var clockType = context.messageTypes().get("rosgraph_msgs/msg/Clock");
        node.createSubscription("/clock", clockType, Qos.DEFAULT.withDepth(100), (m, at) ->
                clocks.add(m.getInt(clockType.field("clock.sec")) * 1_000_000_000L
                        + m.getLong(clockType.field("clock.nanosec"))));

        try (McapReader r = McapReader.open(file)) {
            assertEquals("ros2", r.profile());
            assertEquals(n, r.messageCount());
            BagPlayer.Result res = new BagPlayer(context, System.err).play(r, 1.0, 1, List.of(), true);
            assertEquals(n, res.published());
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (got.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(n, got.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i, got.get(i)[0]);
            assertEquals(0.5, got.get(i)[1]);
            assertEquals(-i, got.get(i)[2], 0.0);
        }
        // original timing: 49 gaps of 20 ms
        double spanMs = (got.get(n - 1)[3] - got.get(0)[3]) / 1e6;
        assertTrue(spanMs > 49 * 20 * 0.8 && spanMs < 49 * 20 * 2.0, "playback spanned " + spanMs + " ms");
        assertFalse(clocks.isEmpty());
        assertEquals(1_700_000_000_000_000_000L, clocks.getFirst());
        assertTrue(clocks.getLast() >= 1_700_000_000_000_000_000L + 45 * 20_000_000L, "last /clock " + clocks.getLast());
        sub.close();
    }

    private static List<TopicEndpoint> publishersOf(String topic) throws InterruptedException {
        return context.graph().await(e -> e.kind() == TopicEndpoint.Kind.PUBLISHER && e.topic().equals(topic), 1,
                Duration.ofSeconds(5));
    }
}
