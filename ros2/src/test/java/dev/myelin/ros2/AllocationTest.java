package dev.myelin.ros2;

import dev.myelin.ros2.cdr.CdrReader;
import dev.myelin.ros2.cdr.CdrWriter;
import dev.myelin.ros2.interop.InteropSamples;
import dev.myelin.ros2.msg.CdrCodec;
import dev.myelin.ros2.msg.Field;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.msg.MessageTypes;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hot paths allocate nothing per message in steady state: publishing, the latest-sample poll,
 * the executor's take-validate-deliver loop, and the CDR codec. Measured with the JVM's per-thread
 * allocation counter over 100 000 messages after a warm-up. The budget, 8 KiB in all (under 0.1
 * byte per message), leaves room for the occasional JIT deoptimization that rematerializes a
 * scalar-replaced object; a single 16-byte object per message would exceed it 200 times over.
 */
class AllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int MESSAGES = 100_000;
    private static final long BUDGET_BYTES = 8 * 1024;

    @Test
    void publishPollAndDeliverAllocateNothing() throws Exception {
        try (Context ctx = TestDomain.context()) {
            Node node = ctx.createNode("allocation");
            MessageType scanType = node.messageType("sensor_msgs/msg/LaserScan");
            Field sec = scanType.field("header.stamp.sec");
            Field ranges = scanType.field("ranges");
            AtomicLong handled = new AtomicLong();
            Subscription polled = node.createSubscription("/allocation/scan", scanType, Qos.SENSOR_DATA);
            node.createSubscription("/allocation/scan", scanType, Qos.SENSOR_DATA, (m, t) -> handled.lazySet(m.getLong(sec)));
            Publisher pub = node.createPublisher("/allocation/scan", scanType, Qos.SENSOR_DATA);
            assertTrue(pub.waitForSubscriptions(2, Duration.ofSeconds(10)));

            Message scan = scanType.newMessage();
            InteropSamples.fill(scan, 1); // 360 ranges
            Message into = scanType.newMessage();
            for (int i = 0; i < 20_000; i++) { // warm-up: JIT, buffers sized
                scan.setLong(sec, i);
                pub.publish(scan);
                polled.readLatest(into);
            }
            Thread executor = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("myelin-ros2-executor-d" + TestDomain.ID)).findFirst().orElseThrow();
            long executorBefore = THREADS.getThreadAllocatedBytes(executor.threadId());
            long before = THREADS.getCurrentThreadAllocatedBytes();
            int base = 100_000;
            for (int i = 0; i < MESSAGES; i++) {
                scan.setLong(sec, base + i);
                scan.primitives(ranges).setFloat(0, i);
                pub.publish(scan);
                polled.readLatest(into);
            }
            long callerBytes = THREADS.getCurrentThreadAllocatedBytes() - before;
            int last = base + MESSAGES - 1;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while ((handled.get() != last || into.getLong(sec) != last) && System.nanoTime() < deadline) {
                polled.readLatest(into);
                Thread.sleep(1);
            }
            long executorBytes = THREADS.getThreadAllocatedBytes(executor.threadId()) - executorBefore;
            System.out.printf("allocation: publish+readLatest %d B, executor %d B over %d LaserScan messages%n",
                    callerBytes, executorBytes, MESSAGES);

            assertEquals(last, handled.get(), "handler saw the last message");
            assertEquals(last, into.getLong(sec), "poll returns the newest sample");
            assertEquals(MESSAGES - 1, into.primitives(ranges).getFloat(0));
            assertTrue(callerBytes <= BUDGET_BYTES,
                    "publish + readLatest allocated " + callerBytes + " bytes over " + MESSAGES + " messages");
            assertTrue(executorBytes <= BUDGET_BYTES,
                    "executor allocated " + executorBytes + " bytes delivering " + MESSAGES + " messages to two subscriptions");
            assertEquals(0, polled.droppedCount());
        }
    }

    @Test
    void cdrEncodeAndDecodeAllocateNothing() {
        MessageType odomType = MessageTypes.standard().get("nav_msgs/msg/Odometry");
        Message odom = odomType.newMessage();
        odom.setString(odomType.field("header.frame_id"), "odom");
        odom.setString(odomType.field("child_frame_id"), "base_link");
        Field x = odomType.field("pose.pose.position.x");
        Message decoded = odomType.newMessage();
        CdrWriter writer = new CdrWriter(64);
        CdrReader reader = new CdrReader();
        for (int i = 0; i < 20_000; i++) {
            odom.setDouble(x, i);
            long n = CdrCodec.encode(odom, writer);
            CdrCodec.decode(reader.wrap(writer.buffer(), 0, n), decoded);
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < MESSAGES; i++) {
            odom.setDouble(x, i);
            long n = CdrCodec.encode(odom, writer);
            CdrCodec.decode(reader.wrap(writer.buffer(), 0, n), decoded);
        }
        long bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("allocation: CDR encode+decode %d B over %d Odometry round trips%n", bytes, MESSAGES);
        assertEquals(odom, decoded);
        assertTrue(bytes <= BUDGET_BYTES, "codec allocated " + bytes + " bytes over " + MESSAGES + " round trips");
    }
}
