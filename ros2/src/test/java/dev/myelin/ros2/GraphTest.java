package dev.myelin.ros2;

import dev.myelin.ros2.interop.CyclonePeer;
import dev.myelin.ros2.interop.PeerProcess;
import dev.myelin.ros2.msg.MessageType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Topic and type discovery the way a ROS 2 graph shows it: names, types and QoS, local and remote. */
class GraphTest {

    @Test
    void localAndRemoteEndpointsAppearWithRosNamesTypesAndQos() throws Exception {
        CyclonePeer peer = CyclonePeer.build(Path.of("target", "interop", "cyclone"));
        try (Context ctx = TestDomain.context();
             Context other = TestDomain.context()) {
            Node node = ctx.createNode("graph_probe", "/robot1");
            MessageType twist = node.messageType("geometry_msgs/msg/Twist");
            MessageType scan = node.messageType("sensor_msgs/msg/LaserScan");
            node.createPublisher("cmd_vel", twist, Qos.DEFAULT);
            node.createSubscription("scan", scan, Qos.SENSOR_DATA);
            other.createNode("status_node").createPublisher("/graph/status", "std_msgs/msg/String", Qos.TRANSIENT_LOCAL);

            try (PeerProcess c = peer.start(TestDomain.ID, "pub", "twist", "rt/graph/from_c", "1", "0")) {
                c.awaitLine("READY", Duration.ofSeconds(20));
                Graph graph = ctx.graph();
                List<TopicEndpoint> remote = graph.await(e -> e.topic().equals("/graph/from_c"), 1, Duration.ofSeconds(20));
                assertEquals(1, remote.size(), "the C peer's publisher is discovered");
                TopicEndpoint fromC = remote.getFirst();
                assertEquals(TopicEndpoint.Kind.PUBLISHER, fromC.kind());
                assertEquals("geometry_msgs/msg/Twist", fromC.type());
                assertEquals(Qos.Reliability.RELIABLE, fromC.reliability());
                assertEquals(10, fromC.depth());
                assertFalse(fromC.participantGuid().equals(ctx.participantGuid()), "remote participant");

                List<TopicEndpoint> status = graph.await(e -> e.topic().equals("/graph/status"), 1, Duration.ofSeconds(10));
                assertEquals(Qos.Durability.TRANSIENT_LOCAL, status.getFirst().durability());
                assertEquals(1, status.getFirst().depth());
                assertEquals("std_msgs/msg/String", status.getFirst().type());

                TopicEndpoint cmd = graph.publishers("/robot1/cmd_vel").getFirst();
                assertEquals("geometry_msgs/msg/Twist", cmd.type());
                assertEquals(Qos.Reliability.RELIABLE, cmd.reliability());
                assertEquals(Qos.Durability.VOLATILE, cmd.durability());
                assertEquals(ctx.participantGuid(), cmd.participantGuid());
                TopicEndpoint scanSub = graph.subscriptions("/robot1/scan").getFirst();
                assertEquals(Qos.Reliability.BEST_EFFORT, scanSub.reliability());
                assertEquals(5, scanSub.depth());

                Map<String, List<String>> topics = graph.topicsAndTypes();
                assertEquals(List.of("geometry_msgs/msg/Twist"), topics.get("/robot1/cmd_vel"));
                assertEquals(List.of("sensor_msgs/msg/LaserScan"), topics.get("/robot1/scan"));
                assertEquals(List.of("geometry_msgs/msg/Twist"), topics.get("/graph/from_c"));
                assertTrue(topics.keySet().stream().allMatch(t -> t.startsWith("/")), "only ROS topics, as ROS names");
            }
        }
    }
}
