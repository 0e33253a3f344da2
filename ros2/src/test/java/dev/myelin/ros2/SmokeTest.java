package dev.myelin.ros2;

import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class SmokeTest {
    @Test
    void twistLoopback() throws Exception {
        try (Context ctx = TestDomain.context()) {
            Node node = ctx.createNode("smoke");
            MessageType twist = node.messageType("geometry_msgs/msg/Twist");
            ArrayBlockingQueue<Message> got = new ArrayBlockingQueue<>(10);
            Subscription sub = node.createSubscription("smoke_twist", twist, Qos.DEFAULT, (m, t) -> {
                Message copy = twist.newMessage();
                copy.copyFrom(m);
                got.add(copy);
            });
            Publisher pub = node.createPublisher("smoke_twist", twist, Qos.DEFAULT);
            assertTrue(pub.waitForSubscriptions(1, Duration.ofSeconds(5)));
            Message m = twist.newMessage();
            m.setDouble(twist.field("linear.x"), 0.5);
            m.setDouble(twist.field("angular.z"), Double.NaN);
            pub.publish(m);
            Message r = got.poll(5, TimeUnit.SECONDS);
            assertNotNull(r);
            assertEquals(m, r);
            System.out.println(r);
            System.out.println(ctx.graph().endpoints());
        }
    }
}
