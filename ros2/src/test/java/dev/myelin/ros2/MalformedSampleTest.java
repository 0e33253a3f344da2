package dev.myelin.ros2;

import dev.myelin.ros2.cdr.CdrWriter;
import dev.myelin.ros2.dds.Cyclone;
import dev.myelin.ros2.msg.CLayoutWriter;
import dev.myelin.ros2.msg.CdrCodec;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input from the wire is counted and dropped: it never reaches a handler, never replaces the
 * latest valid sample and never throws into the caller. NaN is data, not an error.
 */
class MalformedSampleTest {

    @Test
    void undecodableSamplesAreCountedAndDropped() throws Exception {
        try (Context ctx = TestDomain.context()) {
            Node node = ctx.createNode("malformed");
            MessageType scanType = node.messageType("sensor_msgs/msg/LaserScan");
            AtomicInteger handled = new AtomicInteger();
            Subscription sub = node.createSubscription("/malformed/scan", scanType, Qos.DEFAULT, (m, t) -> handled.incrementAndGet());

            Message good = scanType.newMessage();
            good.setString(scanType.field("header.frame_id"), "laser");
            good.primitives(scanType.field("ranges")).setFloats(new float[] {1, 2, 3}, 0, 3);
            CdrWriter w = new CdrWriter(64);
            long n = CdrCodec.encode(good, w);
            sub.offer(w.buffer(), n, 1);

            byte[] truncated = w.buffer().asSlice(0, n - 8).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            sub.offer(MemorySegment.ofArray(truncated), truncated.length, 2);
            sub.offer(MemorySegment.ofArray(new byte[] {0, 1}), 2, 3);
            byte[] hugeSequence = w.buffer().asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            hugeSequence[4 + 48] = (byte) 0xff; // low byte of the ranges length (body offset 48): 255 floats, far beyond the sample
            sub.offer(MemorySegment.ofArray(hugeSequence), hugeSequence.length, 4);

            assertEquals(1, sub.receivedCount());
            assertEquals(3, sub.droppedCount());
            assertEquals(1, handled.get(), "handler saw only the valid sample");
            assertTrue(sub.lastDropReason() != null && sub.lastDropReason().contains("ranges"), sub.lastDropReason());
            Message latest = scanType.newMessage();
            assertEquals(1, sub.readLatest(latest), "latest is still the valid sample");
            assertEquals(good, latest);
        }
    }

    @Test
    void anXcdr2WriterOnTheWireIsDroppedWithItsReason() throws Exception {
        try (Context ctx = TestDomain.context()) {
            Node node = ctx.createNode("xcdr2");
            MessageType type = node.messageType("std_msgs/msg/Int32");
            Subscription sub = node.createSubscription("/malformed/xcdr2", type, Qos.DEFAULT);
            // A writer that uses XCDR2 encapsulation, which no ROS 2 middleware sends for ROS types
            MemorySegment qos = Cyclone.createQos();
            Cyclone.setReliability(qos, Cyclone.RELIABILITY_RELIABLE, 100_000_000L);
            Cyclone.setDataRepresentation(qos, (short) 2);
            int writer;
            try {
                writer = Cyclone.createWriter(ctx.participant(), ctx.topic("/malformed/xcdr2", type), qos);
            } finally {
                Cyclone.deleteQos(qos);
            }
            Message m = type.newMessage();
            m.setInt(type.field("data"), 7);
            CLayoutWriter layout = new CLayoutWriter(type);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (sub.droppedCount() == 0 && System.nanoTime() < deadline) {
                Cyclone.check(Cyclone.write(writer, layout.write(m)), "dds_write");
                Thread.sleep(20);
            }
            assertTrue(sub.droppedCount() > 0, "XCDR2 sample was not dropped");
            assertEquals(0, sub.receivedCount());
            assertTrue(sub.lastDropReason().contains("XCDR2"), sub.lastDropReason());
            assertEquals(Subscription.NO_SAMPLE, sub.readLatest(type.newMessage()));
        }
    }

    @Test
    void handlerExceptionsAreCountedAndDeliveryGoesOn() throws Exception {
        try (Context ctx = TestDomain.context()) {
            Node node = ctx.createNode("throwing");
            MessageType type = node.messageType("std_msgs/msg/Int32");
            AtomicInteger calls = new AtomicInteger();
            Subscription sub = node.createSubscription("/malformed/throwing", type, Qos.DEFAULT, (m, t) -> {
                calls.incrementAndGet();
                throw new IllegalStateException("handler bug");
            });
            Publisher pub = node.createPublisher("/malformed/throwing", type, Qos.DEFAULT);
            assertTrue(pub.waitForSubscriptions(1, Duration.ofSeconds(5)));
            Message m = type.newMessage();
            for (int i = 0; i < 3; i++) {
                m.setInt(type.field("data"), i);
                pub.publish(m);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (calls.get() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(3, calls.get());
            assertEquals(3, sub.handlerErrorCount());
            Message latest = type.newMessage();
            assertTrue(sub.readLatest(latest) != Subscription.NO_SAMPLE);
            assertEquals(2, latest.getInt(type.field("data")));
        }
    }

    @Test
    void nanIsPassedThroughAsData() throws Exception {
        try (Context ctx = TestDomain.context()) {
            Node node = ctx.createNode("nan");
            MessageType type = node.messageType("sensor_msgs/msg/Imu");
            Subscription sub = node.createSubscription("/malformed/nan", type, Qos.DEFAULT);
            Publisher pub = node.createPublisher("/malformed/nan", type, Qos.DEFAULT);
            assertTrue(pub.waitForSubscriptions(1, Duration.ofSeconds(5)));
            Message imu = type.newMessage();
            imu.setDouble(type.field("angular_velocity.z"), Double.NaN);
            imu.primitives(type.field("orientation_covariance")).setDouble(0, -1);
            imu.primitives(type.field("linear_acceleration_covariance")).setDouble(4, Double.NaN);
            pub.publish(imu);
            Message got = type.newMessage();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (sub.readLatest(got) == Subscription.NO_SAMPLE && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(Double.isNaN(got.getDouble(type.field("angular_velocity.z"))));
            assertTrue(Double.isNaN(got.primitives(type.field("linear_acceleration_covariance")).getDouble(4)));
            assertEquals(1.0, got.getDouble(type.field("orientation.w")), "Quaternion default w = 1");
            assertEquals(0, sub.droppedCount());
        }
    }
}
