package dev.myelin.ros2;

import dev.myelin.ros2.cdr.CdrWriter;
import dev.myelin.ros2.msg.CdrCodec;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A polled raw subscription takes nothing by itself: samples wait in its history until its owner polls, then
 * arrive in order, still serialized as Cyclone made them, on the polling thread.
 */
class PolledSubscriptionTest {

    @Test
    void samplesWaitInTheHistoryUntilPolledAndArriveInOrderOnThePollingThread() throws Exception {
        try (Context context = Context.builder().domainId(TestDomain.ID).localhostOnly(true).build()) {
            Node node = context.createNode("polled_subscription");
            MessageType twist = context.messageTypes().get("geometry_msgs/msg/Twist");
            List<byte[]> samples = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            Subscription polled = node.createPolledRawSubscription("/polled", twist, Qos.DEFAULT.withDepth(100),
                    (MemorySegment s, long n, long t) -> {
                        samples.add(s.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
                        threads.add(Thread.currentThread());
                    });
            Subscription watched = node.createSubscription("/polled", twist, Qos.DEFAULT.withDepth(100));
            Publisher pub = node.createPublisher("/polled", twist, Qos.DEFAULT.withDepth(100));
            assertTrue(pub.waitForSubscriptions(2, Duration.ofSeconds(10)), "both readers matched");
            Message m = twist.newMessage();
            var x = twist.field("linear.x");
            for (int i = 0; i < 20; i++) {
                m.setDouble(x, i);
                pub.publish(m);
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (watched.receivedCount() < 20 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(20, watched.receivedCount(), "the executor's subscription got every sample");
            assertTrue(samples.isEmpty(), "nothing is taken before a poll");
            assertTrue(polled.poll());
            assertEquals(20, samples.size());
            assertEquals(20, polled.receivedCount());
            assertFalse(polled.poll(), "a second poll finds nothing");
            for (int i = 0; i < 20; i++) {
                m.setDouble(x, i);
                CdrWriter w = new CdrWriter(64);
                long n = CdrCodec.encode(m, w);
                assertArrayEquals(w.buffer().asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), samples.get(i), "sample " + i);
                assertEquals(Thread.currentThread(), threads.get(i));
            }
            assertThrows(IllegalStateException.class, watched::poll, "an executor subscription is not polled");
            polled.close();
            assertFalse(polled.poll(), "a closed subscription takes nothing");
        }
    }
}
