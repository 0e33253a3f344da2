package dev.myelin.ros2.msg;

import dev.myelin.ros2.cdr.CdrReader;
import dev.myelin.ros2.cdr.CdrWriter;
import dev.myelin.ros2.cdr.MessageDecodeException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java CDR codec on its own: round trips for every type, framing, and robustness to damaged input. */
class CdrCodecPropertiesTest {
    private static final MessageTypes TYPES = TestTypes.registry();
    private static final List<MessageType> ALL = TestTypes.all(TYPES);

    @Provide
    Arbitrary<Message> messages() {
        return Arbitraries.randomValue(rnd -> RandomMessages.random(ALL.get(rnd.nextInt(ALL.size())), rnd));
    }

    private static byte[] encode(Message m) {
        CdrWriter w = new CdrWriter(16);
        long n = CdrCodec.encode(m, w);
        return w.buffer().asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    private static Message decode(MessageType type, byte[] bytes) {
        Message m = type.newMessage();
        CdrCodec.decode(new CdrReader().wrap(MemorySegment.ofArray(bytes), 0, bytes.length), m);
        return m;
    }

    @Property(tries = 600)
    void decodeOfEncodeIsIdentity(@ForAll("messages") Message m) {
        byte[] bytes = encode(m);
        assertEquals(m, decode(m.type(), bytes));
        assertEquals(0, bytes.length % 4, "samples are padded to 4 bytes");
        int pad = bytes[3];
        assertTrue(pad >= 0 && pad <= 3, "pad count in the encapsulation options: " + pad);
        for (int i = bytes.length - pad; i < bytes.length; i++) {
            assertEquals(0, bytes[i], "padding is zero");
        }
        assertEquals(0x00, bytes[0]);
        assertEquals(0x01, bytes[1], "CDR_LE");
    }

    @Property(tries = 300)
    void decodingIntoAReusedMessageForgetsThePreviousOne(@ForAll("messages") Message first,
                                                         @ForAll @IntRange(min = 0, max = 1000) int seed) {
        Message second = RandomMessages.random(first.type(), new Random(seed));
        Message target = decode(first.type(), encode(first));
        CdrCodec.decode(new CdrReader().wrap(MemorySegment.ofArray(encode(second)), 0, encode(second).length), target);
        assertEquals(second, target);
    }

    @Property(tries = 400)
    void damagedSamplesFailOnlyWithDecodeErrors(@ForAll("messages") Message m, @ForAll @IntRange(min = 0, max = 1 << 20) int cut,
                                                @ForAll @IntRange(min = 0, max = 255) int garbage) {
        byte[] bytes = encode(m);
        byte[] damaged;
        if ((cut & 1) == 0) {
            damaged = java.util.Arrays.copyOf(bytes, 4 + (cut >>> 1) % Math.max(1, bytes.length - 4)); // truncated
        } else {
            damaged = bytes.clone();
            int at = 4 + (cut >>> 1) % Math.max(1, bytes.length - 4);
            if (at < damaged.length) {
                damaged[at] = (byte) garbage; // one byte overwritten, often a length
            }
        }
        try {
            decode(m.type(), damaged);
        } catch (MessageDecodeException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank());
        }
    }

    @Property(tries = 50)
    void stringsAreNulTerminatedWithLengthIncludingTheNul(@ForAll @IntRange(min = 0, max = 40) int length) {
        MessageType t = TYPES.get("std_msgs/msg/String");
        Message m = t.newMessage();
        m.setString(t.field("data"), "x".repeat(length));
        byte[] b = encode(m);
        assertEquals(length + 1, MemorySegment.ofArray(b).get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 4));
        assertEquals(0, b[8 + length]);
    }

    @org.junit.jupiter.api.Test
    void bigEndianSamplesDecode() {
        MessageType t = TYPES.get("geometry_msgs/msg/Vector3");
        // 00 00 00 00 = CDR_BE; doubles 1.5, -2.0, 0.25 in network order
        byte[] be = new byte[4 + 24];
        java.nio.ByteBuffer.wrap(be).putInt(0).putDouble(1.5).putDouble(-2.0).putDouble(0.25);
        Message v = decode(t, be);
        assertEquals(1.5, v.getDouble(t.field("x")));
        assertEquals(-2.0, v.getDouble(t.field("y")));
        assertEquals(0.25, v.getDouble(t.field("z")));
    }

    @org.junit.jupiter.api.Test
    void knownBytesOfATwist() {
        MessageType t = TYPES.get("geometry_msgs/msg/Twist");
        Message m = t.newMessage();
        m.setDouble(t.field("linear.x"), 1.0);
        m.setDouble(t.field("angular.z"), -0.5);
        byte[] b = encode(m);
        assertEquals(4 + 48, b.length);
        byte[] expected = new byte[52];
        expected[1] = 1;
        java.nio.ByteBuffer.wrap(expected, 4, 48).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putDouble(1.0).putDouble(0).putDouble(0).putDouble(0).putDouble(0).putDouble(-0.5);
        assertArrayEquals(expected, b);
    }

    @org.junit.jupiter.api.Test
    void xcdr2AndParameterListEncapsulationsAreRejectedWithTheirName() {
        MessageType t = TYPES.get("std_msgs/msg/Int32");
        MessageDecodeException x = assertThrows(MessageDecodeException.class, () -> decode(t, new byte[] {0, 7, 0, 0, 1, 0, 0, 0}));
        assertTrue(x.getMessage().contains("XCDR2"), x.getMessage());
        MessageDecodeException pl = assertThrows(MessageDecodeException.class, () -> decode(t, new byte[] {0, 3, 0, 0, 1, 0, 0, 0}));
        assertTrue(pl.getMessage().contains("parameter-list"), pl.getMessage());
        MessageDecodeException shortSample = assertThrows(MessageDecodeException.class, () -> decode(t, new byte[] {0, 1}));
        assertTrue(shortSample.getMessage().contains("header"), shortSample.getMessage());
    }

    @org.junit.jupiter.api.Test
    void sequenceLengthsBeyondTheSampleAreRejectedBeforeAllocating() {
        MessageType t = TYPES.get("sensor_msgs/msg/LaserScan");
        Message m = t.newMessage();
        byte[] b = encode(m);
        // ranges' length sits after header (sec, nanosec, frame_id "" = 4+4+4+1 -> pad) and 7 floats
        int rangesLength = 4 + 4 + 4 + 4 + 1 + 3 + 28;
        MemorySegment.ofArray(b).set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), rangesLength, 0x7fffffff);
        MessageDecodeException x = assertThrows(MessageDecodeException.class, () -> decode(t, b));
        assertTrue(x.getMessage().contains("ranges"), x.getMessage());
    }
}
