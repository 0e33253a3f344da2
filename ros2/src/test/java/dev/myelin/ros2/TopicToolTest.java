package dev.myelin.ros2;

import dev.myelin.ros2.cli.TopicTool;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code topic} tools against real publishers and subscriptions on loopback. */
class TopicToolTest {
    private static String text(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void pubDeliversYamlToASubscription() throws Exception {
        try (Context tools = TestDomain.context(); Context robot = TestDomain.context()) {
            Node node = robot.createNode("listener");
            MessageType twist = node.messageType("geometry_msgs/msg/Twist");
            Subscription cmd = node.createSubscription("/tool/cmd_vel", twist, Qos.DEFAULT);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int sent = new TopicTool(tools, new PrintStream(bytes, true, StandardCharsets.UTF_8)).pub("/tool/cmd_vel",
                    "geometry_msgs/msg/Twist", "{linear: {x: 0.5}, angular: {z: -0.3}}", 20, 3, Qos.DEFAULT, 1, Duration.ofSeconds(10));
            assertEquals(3, sent);
            assertTrue(text(bytes).contains("publishing #3: geometry_msgs/msg/Twist {linear: {x: 0.5"), text(bytes));
            Message got = twist.newMessage();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (cmd.receivedCount() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(3, cmd.receivedCount());
            cmd.readLatest(got);
            assertEquals(0.5, got.getDouble(twist.field("linear.x")));
            assertEquals(-0.3, got.getDouble(twist.field("angular.z")));
        }
    }

    @Test
    void pubRejectsBadInputBeforePublishing() {
        try (Context tools = TestDomain.context()) {
            TopicTool tool = new TopicTool(tools, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> tool.pub("/tool/x", "geometry_msgs/msg/Twist",
                    "{linear: {q: 1}}", 1, 1, Qos.DEFAULT, 0, Duration.ZERO)).getMessage().contains("linear.q"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> tool.pub("/tool/x", "nope_msgs/msg/Nothing",
                    "", 1, 1, Qos.DEFAULT, 0, Duration.ZERO)).getMessage().contains("nope_msgs/msg/Nothing"));
            assertTrue(assertThrows(IllegalStateException.class, () -> tool.pub("/tool/lonely", "std_msgs/msg/Bool",
                    "data: true", 1, 1, Qos.DEFAULT, 1, Duration.ofMillis(300))).getMessage().contains("/tool/lonely"));
        }
    }

    @Test
    void echoListInfoAndHzSeeAPublisher() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (Context tools = TestDomain.context(); Context robot = TestDomain.context()) {
            Node node = robot.createNode("talker");
            MessageType odomType = node.messageType("nav_msgs/msg/Odometry");
            Publisher odom = node.createPublisher("/tool/odom", odomType, Qos.SENSOR_DATA);
            Message m = odomType.newMessage();
            m.setString(odomType.field("child_frame_id"), "base_link");
            int[] n = {0};
            timer.scheduleAtFixedRate(() -> {
                m.setDouble(odomType.field("pose.pose.position.x"), n[0]++);
                odom.publish(m);
            }, 0, 20, TimeUnit.MILLISECONDS); // 50 Hz

            ByteArrayOutputStream echoed = new ByteArrayOutputStream();
            TopicTool echoTool = new TopicTool(tools, new PrintStream(echoed, true, StandardCharsets.UTF_8));
            assertEquals(2, echoTool.echo("/tool/odom", null, null, 2, Duration.ofSeconds(10), false));
            String yaml = text(echoed);
            assertTrue(yaml.contains("child_frame_id: base_link\n"), yaml);
            assertTrue(yaml.contains("    position:\n      x: "), yaml);
            assertEquals(2, yaml.split("\n---\n", -1).length - 1, yaml);

            ByteArrayOutputStream listed = new ByteArrayOutputStream();
            new TopicTool(tools, new PrintStream(listed, true, StandardCharsets.UTF_8)).list(true, false, Duration.ofMillis(200));
            assertTrue(text(listed).contains("/tool/odom [nav_msgs/msg/Odometry]\n"), text(listed));

            ByteArrayOutputStream info = new ByteArrayOutputStream();
            new TopicTool(tools, new PrintStream(info, true, StandardCharsets.UTF_8)).info("/tool/odom", true, Duration.ofMillis(100));
            assertTrue(text(info).contains("Type: nav_msgs/msg/Odometry") && text(info).contains("Publisher count: 1")
                    && text(info).contains("Reliability: BEST_EFFORT"), text(info));

            ByteArrayOutputStream rate = new ByteArrayOutputStream();
            double hz = new TopicTool(tools, new PrintStream(rate, true, StandardCharsets.UTF_8))
                    .hz("/tool/odom", null, 100, Duration.ofMillis(2500));
            assertTrue(text(rate).contains("average rate: "), text(rate));
            // a functional check of the arithmetic against a 50 Hz source, not a performance figure
            assertTrue(hz > 25 && hz < 100, "rate of a 50 Hz publisher measured as " + hz);
        } finally {
            timer.shutdownNow();
            timer.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void echoWithoutPublisherOrTypeSaysSo() {
        try (Context tools = TestDomain.context()) {
            TopicTool tool = new TopicTool(tools, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> tool.echo("/tool/nobody", null, null, 1, Duration.ofMillis(300), false));
            assertTrue(e.getMessage().contains("give the type explicitly"), e.getMessage());
        }
    }
}
