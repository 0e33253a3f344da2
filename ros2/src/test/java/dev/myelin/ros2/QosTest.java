package dev.myelin.ros2;

import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rclcpp QoS profiles and their matching rules, observed through Cyclone. */
class QosTest {

    @Test
    void profilesAreRclcpps() {
        assertEquals(new Qos(Qos.Reliability.RELIABLE, Qos.Durability.VOLATILE, 10), Qos.DEFAULT);
        assertEquals(new Qos(Qos.Reliability.BEST_EFFORT, Qos.Durability.VOLATILE, 5), Qos.SENSOR_DATA);
        assertEquals(new Qos(Qos.Reliability.RELIABLE, Qos.Durability.TRANSIENT_LOCAL, 1), Qos.TRANSIENT_LOCAL);
        assertEquals(Qos.SENSOR_DATA, Qos.profile("sensor_data"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Qos.profile("fast"));
        assertTrue(e.getMessage().contains("fast"));
        assertThrows(IllegalArgumentException.class, () -> Qos.DEFAULT.withDepth(0));
    }

    @Test
    void reliableSubscriptionDoesNotMatchBestEffortPublisher() throws Exception {
        try (Context ctx = TestDomain.context()) {
            Node node = ctx.createNode("qos_match");
            MessageType type = node.messageType("std_msgs/msg/Float32");
            Subscription reliable = node.createSubscription("/qos/mixed", type, Qos.DEFAULT);
            Subscription bestEffort = node.createSubscription("/qos/mixed", type, Qos.SENSOR_DATA);
            Publisher pub = node.createPublisher("/qos/mixed", type, Qos.SENSOR_DATA);
            assertTrue(bestEffort.waitForPublications(1, Duration.ofSeconds(5)));
            assertFalse(reliable.waitForPublications(1, Duration.ofMillis(500)), "requested reliable, offered best effort");
            assertEquals(1, pub.matchedSubscriptions());
        }
    }

    @Test
    void transientLocalSubscriptionsJoiningLateGetTheLastSample() throws Exception {
        try (Context ctx = TestDomain.context()) {
            Node node = ctx.createNode("latched");
            MessageType type = node.messageType("std_msgs/msg/String");
            Publisher status = node.createPublisher("/qos/status", type, Qos.TRANSIENT_LOCAL);
            Message m = type.newMessage();
            m.setString(type.field("data"), "first");
            status.publish(m);
            m.setString(type.field("data"), "ready");
            status.publish(m);

            Subscription late = node.createSubscription("/qos/status", type, Qos.TRANSIENT_LOCAL);
            Subscription lateVolatile = node.createSubscription("/qos/status", type, Qos.DEFAULT);
            Message got = type.newMessage();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (late.readLatest(got) == Subscription.NO_SAMPLE && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals("ready", got.getString(type.field("data")), "keep-last 1: only the last sample is replayed");
            assertEquals(1, late.receivedCount());
            assertTrue(lateVolatile.waitForPublications(1, Duration.ofSeconds(5)));
            Thread.sleep(100);
            assertEquals(0, lateVolatile.receivedCount(), "volatile subscriptions get nothing from before they joined");
        }
    }
}
