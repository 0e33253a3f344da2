package dev.myelin.ros2;

import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Log lines reach a late subscriber of {@code /rosout} (transient-local) with rcl's fields. */
class RosoutLoggerTest {
    @Test
    void lateSubscriberGetsTheLinesWithCallerAndLevel() throws Exception {
        try (Context robot = TestDomain.context(); Context console = TestDomain.context()) {
            Node node = robot.createNode("rl_node", "/rl");
            RosoutLogger log = node.logger();
            assertEquals("rl.rl_node", log.name());
            assertFalse(log.log(RosoutLogger.Level.DEBUG, "below the default level"));
            log.info("first line");
            log.warn("second line");
            assertEquals(2, log.publishedCount());

            Node reader = console.createNode("rl_console");
            MessageType type = reader.messageType("rcl_interfaces/msg/Log");
            List<Message> lines = new CopyOnWriteArrayList<>();
            reader.createSubscription("/rosout", type, Qos.TRANSIENT_LOCAL.withDepth(RosoutLogger.DEPTH), (m, t) -> {
                if (m.getString(type.field("name")).equals("rl.rl_node")) {
                    Message copy = type.newMessage();
                    copy.copyFrom(m);
                    lines.add(copy);
                }
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (lines.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(2, lines.size(), "lines delivered to a subscriber that joined after them");
            Message first = lines.getFirst();
            assertEquals("first line", first.getString(type.field("msg")));
            assertEquals(20, first.getLong(type.field("level")));
            assertEquals("RosoutLoggerTest.java", first.getString(type.field("file")));
            assertEquals(RosoutLoggerTest.class.getName() + ".lateSubscriberGetsTheLinesWithCallerAndLevel",
                    first.getString(type.field("function")));
            assertTrue(first.getLong(type.field("line")) > 20);
            long sec = first.getLong(type.field("stamp.sec"));
            assertTrue(Math.abs(sec - System.currentTimeMillis() / 1000) < 60, "stamp is wall-clock time: " + sec);
            assertEquals(30, lines.get(1).getLong(type.field("level")));
            assertEquals("second line", lines.get(1).getString(type.field("msg")));
        }
    }
}
