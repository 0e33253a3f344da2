package dev.myelin.ros2;

import dev.myelin.ros2.cdr.CdrWriter;
import dev.myelin.ros2.interop.CyclonePeer;
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
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Java against an independent C program: Cyclone's idlc compiles the IDL of Twist, LaserScan and
 * String, gcc compiles the peer, and samples travel both ways over loopback. The peer's own
 * serializer is the reference for the bytes: what the C program receives from Java, and what it
 * sends to Java, must equal the Java CDR encoder's output for the same values.
 */
class CycloneInteropTest {
    private static final int COUNT = 12;
    private static CyclonePeer peer;
    private static Context context;

    @BeforeAll
    static void build() {
        peer = CyclonePeer.build(Path.of("target", "interop", "cyclone"));
        context = TestDomain.context();
    }

    @AfterAll
    static void close() {
        context.close();
    }

    private static byte[] javaBytes(Message m) {
        CdrWriter w = new CdrWriter(64);
        long n = CdrCodec.encode(m, w);
        return w.buffer().asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"geometry_msgs/msg/Twist", "sensor_msgs/msg/LaserScan", "std_msgs/msg/String"})
    void javaPublishesCPeerReceives(String typeName) throws Exception {
        MessageType type = context.messageTypes().get(typeName);
        String kw = InteropSamples.keyword(type);
        Node node = context.createNode("java_to_c_" + kw);
        String topic = "/interop/java_to_c_" + kw;
        try (PeerProcess c = peer.start(TestDomain.ID, "sub", kw, TopicNames.toDds(topic), Integer.toString(COUNT), "30");
             Publisher pub = node.createPublisher(topic, type, Qos.DEFAULT.withDepth(COUNT))) {
            c.awaitLine("READY", Duration.ofSeconds(20));
            assertTrue(pub.waitForSubscriptions(1, Duration.ofSeconds(20)), "C subscriber never matched");
            Message m = type.newMessage();
            for (int i = 0; i < COUNT; i++) {
                InteropSamples.fill(m, i);
                pub.publish(m);
            }
            for (int i = 0; i < COUNT; i++) {
                byte[] cdr = InteropSamples.parseCdrLine(c.awaitLine("CDR ", Duration.ofSeconds(20)));
                Message received = InteropSamples.parseSampleLine(type, c.awaitLine("SAMPLE ", Duration.ofSeconds(5)));
                Message expected = type.newMessage();
                InteropSamples.fill(expected, i);
                assertEquals(expected, received, "sample " + i + " as the C peer decoded it");
                assertEquals(HexFormat.of().formatHex(javaBytes(expected)), HexFormat.of().formatHex(cdr),
                        "sample " + i + ": bytes on the wire vs the Java encoder");
            }
            assertEquals("DONE " + COUNT, c.awaitLine("DONE", Duration.ofSeconds(10)));
            assertEquals(0, c.waitFor(Duration.ofSeconds(10)));
        } finally {
            node.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"geometry_msgs/msg/Twist", "sensor_msgs/msg/LaserScan", "std_msgs/msg/String"})
    void cPeerPublishesJavaReceives(String typeName) throws Exception {
        MessageType type = context.messageTypes().get(typeName);
        String kw = InteropSamples.keyword(type);
        Node node = context.createNode("c_to_java_" + kw);
        String topic = "/interop/c_to_java_" + kw;
        List<byte[]> raw = new CopyOnWriteArrayList<>();
        List<Message> decoded = new CopyOnWriteArrayList<>();
        Subscription rawSub = node.createRawSubscription(topic, type, Qos.DEFAULT.withDepth(COUNT),
                (MemorySegment s, long length, long t) -> raw.add(s.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE)));
        Subscription sub = node.createSubscription(topic, type, Qos.DEFAULT.withDepth(COUNT), (m, t) -> {
            Message copy = type.newMessage();
            copy.copyFrom(m);
            decoded.add(copy);
        });
        try (PeerProcess c = peer.start(TestDomain.ID, "pub", kw, TopicNames.toDds(topic), Integer.toString(COUNT), "2", "2")) {
            c.awaitLine("DONE", Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while ((raw.size() < COUNT || decoded.size() < COUNT) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(COUNT, decoded.size(), "decoded samples");
            assertEquals(COUNT, raw.size(), "raw samples");
            for (int i = 0; i < COUNT; i++) {
                Message expected = type.newMessage();
                InteropSamples.fill(expected, i);
                assertEquals(expected, decoded.get(i), "sample " + i + " decoded by Java");
                assertArrayEquals(javaBytes(expected), raw.get(i), "sample " + i + ": Cyclone's bytes vs the Java encoder");
            }
            assertEquals(0, sub.droppedCount());
            assertEquals(0, c.waitFor(Duration.ofSeconds(10)));
        } finally {
            node.close();
        }
    }
}
