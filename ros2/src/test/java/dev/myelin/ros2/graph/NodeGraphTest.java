package dev.myelin.ros2.graph;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.TestDomain;
import dev.myelin.ros2.TopicEndpoint;
import dev.myelin.ros2.msg.MessageType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two participants on the test domain: what one announces on {@code ros_discovery_info}, the other
 * lists as nodes with the very GIDs of their readers and writers, resolved to topics through DDS
 * discovery; changes are republished; Humble's 24-byte layout works between two Humble-layout peers.
 */
class NodeGraphTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void anotherParticipantListsNodesWithTheirEndpoints() throws Exception {
        try (Context a = TestDomain.context(); Context b = TestDomain.context()) {
            Node talker = a.createNode("ng_talker", "/ng");
            Node listener = a.createNode("ng_listener");
            MessageType string = talker.messageType("std_msgs/msg/String");
            Publisher chatter = talker.createPublisher("chatter", string, Qos.DEFAULT);
            talker.createSubscription("/ng_cmd", talker.messageType("geometry_msgs/msg/Twist"), Qos.DEFAULT);
            listener.createSubscription("/ng/chatter", string, Qos.DEFAULT);

            NodeGraph graph = b.nodeGraph();
            NodeEntities seen = graph.await("/ng/ng_talker", 7, 8, WAIT).orElseThrow(
                    () -> new AssertionError("node /ng/ng_talker never announced; saw " + graph.nodes()));
            assertEquals("/ng", seen.namespace());
            assertEquals("ng_talker", seen.name());
            Set<Gid> talkerGids = new HashSet<>(seen.readers());
            talkerGids.addAll(seen.writers());
            assertEquals(new HashSet<>(talker.endpointGids()), talkerGids);
            assertEquals(1 + 1 + 6, seen.writers().size(), "chatter, /parameter_events and the six parameter services' replies");
            assertEquals(1 + 6, seen.readers().size(), "/ng_cmd and the six parameter services' requests");
            assertTrue(graph.await("/ng_listener", 1, 0, WAIT).isPresent());

            // info resolves GIDs to topics through the built-in topics
            Optional<NodeGraph.NodeInfo> info = Optional.empty();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                info = graph.info("/ng/ng_talker");
                if (info.isPresent() && info.get().publishers().size() == 2 && !info.get().subscribers().isEmpty()) {
                    break;
                }
                Thread.sleep(20);
            }
            assertEquals(Map.of("/ng/chatter", List.of("std_msgs/msg/String"),
                    "/parameter_events", List.of("rcl_interfaces/msg/ParameterEvent")), info.orElseThrow().publishers());
            assertEquals(Map.of("/ng_cmd", List.of("geometry_msgs/msg/Twist")), info.get().subscribers());
            assertEquals(a.participantGid(), info.get().participant());
            ParticipantEntities announced = a.announcement();
            assertEquals(List.of(announced), graph.participants().stream()
                    .filter(p -> p.gid().equals(a.participantGid())).toList(), "what b read is what a announces");

            // the type hash travels in USER_DATA
            List<TopicEndpoint> pubs = b.graph().await(e -> e.topic().equals("/ng/chatter")
                    && e.kind() == TopicEndpoint.Kind.PUBLISHER, 1, WAIT);
            assertEquals("RIHS01_df668c740482bbd48fb39d76a70dfd4bd59db1288021743503259e948f6b1a18", pubs.getFirst().typeHash());

            // removing an endpoint and a node republishes the whole list
            chatter.close();
            assertTrue(graph.await("/ng/ng_talker", 1, 0, WAIT).isPresent());
            waitUntil(() -> graph.nodes().stream().anyMatch(n -> n.name().equals("ng_talker") && n.writers().size() == 1 + 6));
            listener.close();
            waitUntil(() -> graph.nodes().stream().noneMatch(n -> n.name().equals("ng_listener")));
            assertEquals(0, graph.droppedCount());
        }
    }

    @Test
    void nodesOfAClosedParticipantDisappear() throws Exception {
        try (Context b = TestDomain.context()) {
            NodeGraph graph = b.nodeGraph();
            Context a = TestDomain.context();
            a.createNode("ng_ephemeral");
            assertTrue(graph.await("/ng_ephemeral", 0, 0, WAIT).isPresent());
            a.close();
            waitUntil(() -> graph.nodes().stream().noneMatch(n -> n.name().equals("ng_ephemeral")));
        }
    }

    @Test
    void humbleLayoutCarries24ByteGids() throws Exception {
        // Without the parameter services, so that the node's one writer is the one endpoint announced.
        try (Context a = Context.builder().domainId(TestDomain.ID).localhostOnly(true).gidLayout(GidLayout.HUMBLE)
                .parameterServices(false).build();
             Context b = Context.builder().domainId(TestDomain.ID).localhostOnly(true).gidLayout(GidLayout.HUMBLE).build()) {
            assertEquals(24, new DiscoveryInfo(GidLayout.HUMBLE, a.messageTypes()).type().field("gid.data").length());
            Node n = a.createNode("ng_humble");
            n.createPublisher("/ng_humble_out", n.messageType("std_msgs/msg/Empty"), Qos.DEFAULT);
            NodeEntities seen = b.nodeGraph().await("/ng_humble", 0, 1, WAIT).orElseThrow();
            assertEquals(n.endpointGids(), seen.writers());
        }
    }

    @Test
    void gidTextForms() {
        Gid g = Gid.ofHex("0110aabbccddeeff0011223300000103");
        assertEquals("01.10.aa.bb.cc.dd.ee.ff.00.11.22.33.00.00.01.03", g.dotted());
        assertEquals(24, g.bytes(GidLayout.HUMBLE).length);
        assertEquals(0, g.bytes(GidLayout.HUMBLE)[23]);
        assertEquals(g, Gid.of(g.bytes(GidLayout.HUMBLE)));
        assertEquals(GidLayout.HUMBLE, GidLayout.parse("Humble"));
        assertFalse(UserData.value("serviceid=01.02;typehash=RIHS01_ab;", "typehash").isEmpty());
        assertEquals("RIHS01_ab", UserData.value("serviceid=01.02;typehash=RIHS01_ab;", "typehash"));
        assertEquals("", UserData.value("enclave=/;", "typehash"));
        assertEquals("serviceid=01.10.aa.bb.cc.dd.ee.ff.00.11.22.33.00.00.01.2c;typehash=RIHS01_ab;",
                UserData.serviceEndpoint(true, g, 300, "RIHS01_ab"));
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within " + WAIT);
            }
            Thread.sleep(20);
        }
    }
}
