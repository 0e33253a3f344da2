package dev.myelin.observe.bag;

import dev.myelin.observe.mcap.McapReader;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.TopicEndpoint;
import dev.myelin.ros2.msg.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recorder's per-message path — take from the reader, copy into the open chunk, index — allocates nothing on its
 * writer thread once warm; what it allocates at all is per chunk (the chunk's index entry), a few hundred bytes per
 * 256 KiB of messages.
 */
class BagRecorderAllocationTest {

    @Test
    void recordingTopicsAllocatesNothingPerMessage(@TempDir Path dir) throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Context context = Context.builder().domainId(ThreadLocalRandom.current().nextInt(101, 200)).localhostOnly(true).build()) {
            Node node = context.createNode("alloc_pub");
            Publisher twist = node.createPublisher("/alloc/cmd_vel", "geometry_msgs/msg/Twist", Qos.DEFAULT.withDepth(200));
            Path file = dir.resolve("alloc.mcap");
            BagRecorder rec = new BagRecorder(context, file, new BagRecorder.Settings(256 * 1024, 1 << 20, 1_000_000_000L));
            var pubs = context.graph().await(e -> e.kind() == TopicEndpoint.Kind.PUBLISHER && e.topic().equals("/alloc/cmd_vel"),
                    1, Duration.ofSeconds(5));
            BagRecorder.ChannelStats ch = rec.record("/alloc/cmd_vel", twist.type(), pubs);
            assertTrue(twist.waitForSubscriptions(1, Duration.ofSeconds(10)));
            Message m = twist.type().newMessage();
            var x = twist.type().field("linear.x");
            int warm = 10_000; // about three chunks: the index arrays and buffers reach their size
            int measured = 30_000;
            publish(twist, m, x, ch, 0, warm);
            long before = mx.getThreadAllocatedBytes(rec.writerThreadId());
            int chunksBefore = rec.chunkCount();
            publish(twist, m, x, ch, warm, warm + measured);
            long allocated = mx.getThreadAllocatedBytes(rec.writerThreadId()) - before;
            int chunks = rec.chunkCount() - chunksBefore;
            rec.close();
            assertEquals(warm + measured, ch.written());
            assertEquals(0, ch.dropped());
            assertTrue(chunks >= 5, chunks + " chunks closed while measuring");
            assertTrue(allocated <= 1024L * chunks, "the writer thread allocated " + allocated + " bytes for " + measured
                    + " messages in " + chunks + " chunks");
            try (McapReader r = McapReader.open(file)) {
                assertEquals(warm + measured, r.messageCount());
            }
        }
    }

    /** Publishes messages {@code from..to} (linear.x = index), at most 256 ahead of what was written. */
    private static void publish(Publisher p, Message m, dev.myelin.ros2.msg.Field x, BagRecorder.ChannelStats ch, int from, int to)
            throws InterruptedException {
        for (int i = from; i < to; i++) {
            m.setDouble(x, i);
            p.publish(m);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (i + 1 - ch.written() > 256 && System.nanoTime() < deadline) {
                Thread.sleep(0, 200_000);
            }
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (ch.written() < to && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }
}
