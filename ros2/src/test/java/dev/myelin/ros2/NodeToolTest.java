package dev.myelin.ros2;

import dev.myelin.ros2.cli.NodeTool;
import dev.myelin.ros2.cli.TopicTool;
import dev.myelin.ros2.msg.MessageType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code node list/info} and {@code topic info -v} against nodes of another participant on loopback. */
class NodeToolTest {
    private static final Duration SPIN = Duration.ofMillis(300);

    @Test
    void listAndInfoShowNodesAsRos2Does() throws Exception {
        try (Context tools = TestDomain.context(); Context robot = TestDomain.context()) {
            Node base = robot.createNode("nt_base", "/nt");
            robot.createNode("_nt_hidden");
            MessageType twist = base.messageType("geometry_msgs/msg/Twist");
            base.createSubscription("cmd_vel", twist, Qos.DEFAULT);
            base.createPublisher("odom", base.messageType("nav_msgs/msg/Odometry"), Qos.DEFAULT);
            base.createPublisher("/nt_status", base.messageType("std_msgs/msg/String"), Qos.DEFAULT);
            assertTrue(tools.nodeGraph().await("/nt/nt_base", 7, 9, Duration.ofSeconds(10)).isPresent());
            tools.graph().await(e -> e.topic().startsWith("/nt"), 3, Duration.ofSeconds(10));

            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            NodeTool tool = new NodeTool(tools, new PrintStream(bytes, true, StandardCharsets.UTF_8));
            List<String> names = tool.list(false, false, SPIN);
            assertTrue(names.contains("/nt/nt_base"), names.toString());
            assertTrue(names.stream().noneMatch(n -> n.contains("_nt_hidden")), names.toString());
            assertTrue(tool.list(true, false, Duration.ZERO).contains("/_nt_hidden"));

            // As ros2 node info prints an rclcpp node: every node also publishes /parameter_events and
            // serves the six parameter services.
            String expected = """
                    /nt/nt_base
                      Subscribers:
                        /nt/cmd_vel: geometry_msgs/msg/Twist
                      Publishers:
                        /nt/odom: nav_msgs/msg/Odometry
                        /nt_status: std_msgs/msg/String
                        /parameter_events: rcl_interfaces/msg/ParameterEvent
                      Service Servers:
                        /nt/nt_base/describe_parameters: rcl_interfaces/srv/DescribeParameters
                        /nt/nt_base/get_parameter_types: rcl_interfaces/srv/GetParameterTypes
                        /nt/nt_base/get_parameters: rcl_interfaces/srv/GetParameters
                        /nt/nt_base/list_parameters: rcl_interfaces/srv/ListParameters
                        /nt/nt_base/set_parameters: rcl_interfaces/srv/SetParameters
                        /nt/nt_base/set_parameters_atomically: rcl_interfaces/srv/SetParametersAtomically
                      Service Clients:
                      Action Servers:
                      Action Clients:
                    """;
            String printed = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!printed.equals(expected) && System.nanoTime() < deadline) { // until discovery has it all
                bytes.reset();
                tool.info("/nt/nt_base", SPIN);
                printed = bytes.toString(StandardCharsets.UTF_8);
            }
            assertEquals(expected, printed);
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> tool.info("/nt/nobody", Duration.ZERO));
            assertTrue(missing.getMessage().contains("/nt/nobody"), missing.getMessage());

            bytes.reset();
            new TopicTool(tools, new PrintStream(bytes, true, StandardCharsets.UTF_8)).info("/nt_status", true, SPIN);
            String info = bytes.toString(StandardCharsets.UTF_8);
            assertTrue(info.contains("Node name: nt_base\nNode namespace: /nt\nTopic type: std_msgs/msg/String\n"), info);
            assertTrue(info.contains("Topic type hash: RIHS01_df668c740482bbd48fb39d76a70dfd4bd59db1288021743503259e948f6b1a18"), info);
            assertTrue(info.matches("(?s).*\nGID: ([0-9a-f]{2}\\.){15}[0-9a-f]{2}\n.*"), info);
        }
    }
}
