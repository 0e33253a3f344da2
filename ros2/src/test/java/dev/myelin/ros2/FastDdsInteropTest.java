package dev.myelin.ros2;

import dev.myelin.ros2.cdr.CdrWriter;
import dev.myelin.ros2.interop.FastDdsPeer;
import dev.myelin.ros2.interop.InteropSamples;
import dev.myelin.ros2.interop.PeerProcess;
import dev.myelin.ros2.msg.CdrCodec;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Java against an eProsima Fast DDS peer (C++, fastddsgen types, Fast CDR): both directions for
 * Twist and LaserScan (and String), checked field by field, and the payload Fast CDR produces for
 * the values equal to the Java encoder's (Fast CDR writes no trailing padding, so the comparison
 * is on the encapsulation kind and the members).
 */
class FastDdsInteropTest {
    private static final int COUNT = 8;
    private static FastDdsPeer peer;
    private static Context context;

    @BeforeAll
    static void build() {
        peer = FastDdsPeer.build(Path.of("target", "interop", "fastdds"));
        context = TestDomain.context();
    }

    @AfterAll
    static void close() {
        context.close();
    }

    /** Encapsulation kind (bytes 0-1) and members, without option bytes and trailing padding. */
    static String payload(byte[] sample) {
        int pad = sample[3] & 3;
        byte[] kind = Arrays.copyOfRange(sample, 0, 2);
        byte[] body = Arrays.copyOfRange(sample, 4, sample.length - pad);
        return HexFormat.of().formatHex(kind) + ":" + HexFormat.of().formatHex(body);
    }

    private static byte[] javaBytes(Message m) {
        CdrWriter w = new CdrWriter(64);
        long n = CdrCodec.encode(m, w);
        return w.buffer().asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"geometry_msgs/msg/Twist", "sensor_msgs/msg/LaserScan", "std_msgs/msg/String"})
    void javaPublishesFastDdsReceives(String typeName) throws Exception {
        MessageType type = context.messageTypes().get(typeName);
        String kw = InteropSamples.keyword(type);
        String topic = "/interop/java_to_fastdds_" + kw;
        Node node = context.createNode("java_to_fastdds_" + kw);
        try (PeerProcess f = peer.start(TestDomain.ID, "sub", kw, TopicNames.toDds(topic), Integer.toString(COUNT), "40");
             Publisher pub = node.createPublisher(topic, type, Qos.DEFAULT)) {
            f.awaitLine("READY", Duration.ofSeconds(20));
            assertTrue(pub.waitForSubscriptions(1, Duration.ofSeconds(30)), "Fast DDS subscriber never matched");
            Message m = type.newMessage();
            for (int i = 0; i < COUNT; i++) {
                InteropSamples.fill(m, i);
                pub.publish(m);
            }
            for (int i = 0; i < COUNT; i++) {
                byte[] cdr = InteropSamples.parseCdrLine(f.awaitLine("CDR ", Duration.ofSeconds(30)));
                Message received = InteropSamples.parseSampleLine(type, f.awaitLine("SAMPLE ", Duration.ofSeconds(5)));
                Message expected = type.newMessage();
                InteropSamples.fill(expected, i);
                assertEquals(expected, received, "sample " + i + " as Fast DDS decoded it");
                assertEquals(payload(javaBytes(expected)), payload(cdr), "sample " + i + ": Fast CDR vs the Java encoder");
            }
            assertEquals("DONE " + COUNT, f.awaitLine("DONE", Duration.ofSeconds(10)));
        } finally {
            node.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"geometry_msgs/msg/Twist", "sensor_msgs/msg/LaserScan", "std_msgs/msg/String"})
    void fastDdsPublishesJavaReceives(String typeName) throws Exception {
        MessageType type = context.messageTypes().get(typeName);
        String kw = InteropSamples.keyword(type);
        String topic = "/interop/fastdds_to_java_" + kw;
        Node node = context.createNode("fastdds_to_java_" + kw);
        List<Message> decoded = new CopyOnWriteArrayList<>();
        List<byte[]> raw = new CopyOnWriteArrayList<>();
        node.createSubscription(topic, type, Qos.DEFAULT.withDepth(COUNT), (m, t) -> {
            Message copy = type.newMessage();
            copy.copyFrom(m);
            decoded.add(copy);
        });
        node.createRawSubscription(topic, type, Qos.DEFAULT.withDepth(COUNT),
                (MemorySegment s, long length, long t) -> raw.add(s.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE)));
        try (PeerProcess f = peer.start(TestDomain.ID, "pub", kw, TopicNames.toDds(topic), Integer.toString(COUNT), "2", "2")) {
            f.awaitLine("DONE", Duration.ofSeconds(40));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while ((decoded.size() < COUNT || raw.size() < COUNT) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(COUNT, decoded.size(), "samples from Fast DDS");
            for (int i = 0; i < COUNT; i++) {
                Message expected = type.newMessage();
                InteropSamples.fill(expected, i);
                assertEquals(expected, decoded.get(i), "sample " + i + " from Fast DDS decoded by Java");
                assertEquals(payload(javaBytes(expected)), payload(raw.get(i)), "sample " + i + ": bytes Fast DDS sent");
            }
        } finally {
            node.close();
        }
    }
}
