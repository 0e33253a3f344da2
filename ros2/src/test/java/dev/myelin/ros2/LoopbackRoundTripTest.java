package dev.myelin.ros2;

import dev.myelin.ros2.cdr.CdrWriter;
import dev.myelin.ros2.msg.CdrCodec;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.msg.MessageTypes;
import dev.myelin.ros2.msg.RandomMessages;
import dev.myelin.ros2.msg.TestTypes;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Java to Java through Cyclone on loopback, for every shipped type and a type using every
 * construct: a published message arrives equal to what was sent, and the bytes Cyclone's
 * serializer made from the C layout equal the Java encoder's.
 */
class LoopbackRoundTripTest {
    private record Pair(Publisher publisher, BlockingQueue<Message> decoded, BlockingQueue<byte[]> raw) {
    }

    private static final MessageTypes TYPES = TestTypes.registry();
    private static final List<MessageType> ALL = TestTypes.all(TYPES);
    private static Context context;
    private static Node node;
    private static final Map<MessageType, Pair> PAIRS = new HashMap<>();

    @BeforeContainer
    static void open() throws InterruptedException {
        context = Context.builder().domainId(TestDomain.ID).localhostOnly(true).messageTypes(TYPES).build();
        node = context.createNode("loopback_round_trip");
        for (MessageType type : ALL) {
            String topic = "/loopback/" + type.packageName() + "/" + type.shortName();
            BlockingQueue<Message> decoded = new LinkedBlockingQueue<>();
            BlockingQueue<byte[]> raw = new LinkedBlockingQueue<>();
            node.createSubscription(topic, type, Qos.DEFAULT.withDepth(50), (m, t) -> {
                Message copy = type.newMessage();
                copy.copyFrom(m);
                decoded.add(copy);
            });
            node.createRawSubscription(topic, type, Qos.DEFAULT.withDepth(50),
                    (MemorySegment s, long n, long t) -> raw.add(s.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE)));
            Publisher p = node.createPublisher(topic, type, Qos.DEFAULT.withDepth(50));
            assertTrue(p.waitForSubscriptions(2, Duration.ofSeconds(10)), topic + " did not match");
            PAIRS.put(type, new Pair(p, decoded, raw));
        }
    }

    @AfterContainer
    static void close() {
        context.close();
    }

    @Provide
    Arbitrary<Message> messages() {
        return Arbitraries.randomValue(rnd -> RandomMessages.random(ALL.get(rnd.nextInt(ALL.size())), rnd));
    }

    private static void roundTrip(Message sent) throws InterruptedException {
        Pair pair = PAIRS.get(sent.type());
        pair.publisher().publish(sent);
        Message received = pair.decoded().poll(5, TimeUnit.SECONDS);
        byte[] raw = pair.raw().poll(5, TimeUnit.SECONDS);
        assertNotNull(received, sent.type() + " not received");
        assertNotNull(raw, sent.type() + " raw sample not received");
        assertEquals(sent, received, sent.type() + " round trip");
        CdrWriter w = new CdrWriter(64);
        long n = CdrCodec.encode(sent, w);
        assertEquals(HexFormat.of().formatHex(w.buffer().asSlice(0, n).toArray(ValueLayout.JAVA_BYTE)),
                HexFormat.of().formatHex(raw), sent.type() + ": Cyclone's serializer vs the Java encoder");
    }

    @Property(tries = 400)
    void randomMessagesOfAnyTypeArriveEqual(@ForAll("messages") Message sent) throws InterruptedException {
        roundTrip(sent);
    }

    @Property(tries = 1)
    void everyTypeAtLeastFiveTimes() throws InterruptedException {
        Random rnd = new Random(42);
        for (MessageType type : ALL) {
            roundTrip(type.newMessage()); // defaults, empty sequences
            for (int i = 0; i < 5; i++) {
                roundTrip(RandomMessages.random(type, rnd));
            }
        }
    }
}
