package dev.myelin.ros2.graph;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.TestDomain;
import dev.myelin.ros2.interop.IdlcProgram;
import dev.myelin.ros2.interop.PeerProcess;
import dev.myelin.ros2.msg.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A C program whose types idlc generates from the IDL below (written here from the rmw_dds_common
 * definitions, not from Myelin's) reads {@code ros_discovery_info} as rmw does and DDS's built-in
 * topics. Every Myelin node must be in the participant's announcement, with exactly the GIDs of
 * the readers and writers the C program sees for that participant on the node's topics; every
 * endpoint carries its REP 2011 type hash and the participant its enclave. Both GID layouts: Iron's
 * 16 bytes and Humble's 24 (the peer's IDL says which).
 */
class DiscoveryInteropTest {
    static final String IDL = """
            module rmw_dds_common { module msg { module dds_ {
              struct Gid_ { uint8 data[GID_SIZE]; };
              struct NodeEntitiesInfo_ {
                string<256> node_namespace;
                string<256> node_name;
                sequence<Gid_> reader_gid_seq;
                sequence<Gid_> writer_gid_seq;
              };
              struct ParticipantEntitiesInfo_ {
                Gid_ gid;
                sequence<NodeEntitiesInfo_> node_entities_info_seq;
              };
            }; }; };
            module std_msgs { module msg { module dds_ {
              struct String_ { string data; };
            }; }; };
            """;

    private record Endpoint(boolean writer, String topic, String type, String participant, String gid, String userData) {
    }

    @ParameterizedTest
    @EnumSource(GidLayout.class)
    void cPeerSeesEveryNodeWithTheGidsOfItsEndpoints(GidLayout layout) throws Exception {
        IdlcProgram peer = IdlcProgram.build(Path.of("target", "interop", "discovery-" + layout.size()), "discovery_peer",
                "discovery", IDL.replace("GID_SIZE", Integer.toString(layout.size())), resource("discovery_peer.c"));
        try (Context ctx = Context.builder().domainId(TestDomain.ID).localhostOnly(true).gidLayout(layout).build()) {
            String ns = "/di" + layout.size();
            Node talker = ctx.createNode("di_talker", ns);
            Node listener = ctx.createNode("di_listener", ns);
            MessageType string = talker.messageType("std_msgs/msg/String");
            MessageType twist = talker.messageType("geometry_msgs/msg/Twist");
            talker.createPublisher("chatter", string, Qos.DEFAULT);
            talker.createSubscription("cmd", twist, Qos.DEFAULT);
            listener.createSubscription("chatter", string, Qos.DEFAULT);
            listener.createPublisher("cmd", twist, Qos.DEFAULT);

            Map<String, String[]> nodes = new HashMap<>();
            List<Endpoint> endpoints = new ArrayList<>();
            Map<String, String> participants = new HashMap<>();
            String me = ctx.participantGid().hex();
            try (PeerProcess c = peer.start(Integer.toString(TestDomain.ID), "2", "20")) {
                c.awaitLine("DONE", Duration.ofSeconds(30));
                assertEquals(0, c.waitFor(Duration.ofSeconds(10)), c.errorOutput());
                boolean mine = false;
                for (String line : c.output()) {
                    String[] w = line.split(" ");
                    switch (w[0]) {
                        case "INFO" -> {
                            mine = guid(w[1], layout).equals(me);
                            if (mine) {
                                nodes.clear(); // a later sample replaces the earlier ones
                            }
                        }
                        case "NODE" -> {
                            if (mine) {
                                normalize(w, layout);
                                nodes.put(w[1].equals("/") ? "/" + w[2] : w[1] + "/" + w[2], w);
                            }
                        }
                        case "PARTICIPANT" -> participants.put(w[1], w.length > 2 ? w[2] : "");
                        case "EP" -> endpoints.add(new Endpoint(w[1].equals("W"), w[2], w[3], w[4], w[5], w[6]));
                        default -> { }
                    }
                }
            }
            assertEquals(Set.of(ns + "/di_talker", ns + "/di_listener"), nodes.keySet(), "nodes announced");
            assertEquals("enclave=/;", participants.get(me), "participant USER_DATA");

            String rt = "rt" + ns;
            // Every node also serves the six parameter services (rq/...Request readers, rr/...Reply writers)
            // and publishes /parameter_events, as rclcpp nodes do.
            assertNodeGids(nodes.get(ns + "/di_talker"), endpoints, me, withServices(Set.of(rt + "/cmd"), ns + "/di_talker", "rq", "Request"),
                    withServices(Set.of(rt + "/chatter", "rt/parameter_events"), ns + "/di_talker", "rr", "Reply"));
            assertNodeGids(nodes.get(ns + "/di_listener"), endpoints, me, withServices(Set.of(rt + "/chatter"), ns + "/di_listener", "rq", "Request"),
                    withServices(Set.of(rt + "/cmd", "rt/parameter_events"), ns + "/di_listener", "rr", "Reply"));
            for (Endpoint e : endpoints) {
                if (e.participant().equals(me) && e.topic().equals("rr" + ns + "/di_talker/get_parametersReply")) {
                    assertTrue(e.userData().matches("serviceid=[0-9a-f.]+;typehash=RIHS01_[0-9a-f]{64};"), "USER_DATA of " + e);
                }
            }

            for (Endpoint e : endpoints) {
                if (e.participant().equals(me) && e.topic().equals(rt + "/chatter")) {
                    assertEquals("typehash=RIHS01_df668c740482bbd48fb39d76a70dfd4bd59db1288021743503259e948f6b1a18;",
                            e.userData(), "USER_DATA of " + e);
                    assertEquals("std_msgs::msg::dds_::String_", e.type());
                }
            }
            // the announcement itself is nobody's endpoint, and every other Myelin endpoint is some node's
            Set<String> announced = new HashSet<>();
            for (String[] node : nodes.values()) {
                announced.addAll(gids(node, "R"));
                announced.addAll(gids(node, "W"));
            }
            Set<String> myEndpoints = new HashSet<>();
            for (Endpoint e : endpoints) {
                if (e.participant().equals(me) && !e.topic().equals(DiscoveryInfo.TOPIC)) {
                    myEndpoints.add(e.gid());
                }
            }
            assertEquals(myEndpoints, announced);
        }
    }

    @Test
    void nodesOfANonMyelinParticipantAreListedWithTheirTopics() throws Exception {
        IdlcProgram peer = IdlcProgram.build(Path.of("target", "interop", "discovery-16"), "discovery_peer",
                "discovery", IDL.replace("GID_SIZE", "16"), resource("discovery_peer.c"));
        try (Context ctx = TestDomain.context();
             PeerProcess c = peer.start(Integer.toString(TestDomain.ID), "announce", "30")) {
            String cParticipant = c.awaitLine("ANNOUNCED ", Duration.ofSeconds(20)).substring("ANNOUNCED ".length());
            NodeGraph graph = ctx.nodeGraph();
            NodeEntities node = graph.await("/dp/c_node", 1, 1, Duration.ofSeconds(15)).orElseThrow(
                    () -> new AssertionError("the C participant's node never appeared; saw " + graph.nodes()));
            assertEquals("/dp", node.namespace());
            Optional<NodeGraph.NodeInfo> info = Optional.empty();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline && (info.isEmpty() || info.get().publishers().isEmpty()
                    || info.get().subscribers().isEmpty())) {
                info = graph.info("/dp/c_node");
                Thread.sleep(20);
            }
            assertEquals(cParticipant, info.orElseThrow().participant().hex());
            assertEquals(Map.of("/dp/chatter", List.of("std_msgs/msg/String")), info.get().publishers());
            assertEquals(Map.of("/dp/cmd", List.of("std_msgs/msg/String")), info.get().subscribers());
            c.close();
            long gone = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (graph.nodes().stream().anyMatch(n -> n.name().equals("c_node")) && System.nanoTime() < gone) {
                Thread.sleep(50);
            }
            assertTrue(graph.nodes().stream().noneMatch(n -> n.name().equals("c_node")),
                    "a participant that left takes its nodes with it");
        }
    }

    private static final List<String> PARAMETER_SERVICES = List.of("describe_parameters", "get_parameter_types",
            "get_parameters", "list_parameters", "set_parameters", "set_parameters_atomically");

    private static Set<String> withServices(Set<String> topics, String node, String prefix, String suffix) {
        Set<String> all = new HashSet<>(topics);
        for (String s : PARAMETER_SERVICES) {
            all.add(prefix + node + "/" + s + suffix);
        }
        return all;
    }

    private static void assertNodeGids(String[] node, List<Endpoint> endpoints, String participant, Set<String> readTopics,
                                       Set<String> writeTopics) {
        assertNotNull(node);
        Set<String> readers = new HashSet<>();
        Set<String> writers = new HashSet<>();
        Set<String> readerGids = gids(node, "R");
        Set<String> writerGids = gids(node, "W");
        for (Endpoint e : endpoints) {
            if (!e.participant().equals(participant)) {
                continue;
            }
            if (e.writer() && writerGids.contains(e.gid())) {
                writers.add(e.topic());
            } else if (!e.writer() && readerGids.contains(e.gid())) {
                readers.add(e.topic());
            }
        }
        assertEquals(readTopics, readers, "topics of the reader GIDs of " + String.join(" ", node));
        assertEquals(writeTopics, writers, "topics of the writer GIDs of " + String.join(" ", node));
        assertEquals(readTopics.size(), readerGids.size());
        assertEquals(writeTopics.size(), writerGids.size());
    }

    /** The GUID a GID of {@code layout} holds; the bytes after it must be zero. */
    private static String guid(String gidHex, GidLayout layout) {
        assertEquals(2 * layout.size(), gidHex.length(), "GID " + gidHex + " of the " + layout + " layout");
        assertEquals("0".repeat(2 * (layout.size() - Gid.GUID_SIZE)), gidHex.substring(2 * Gid.GUID_SIZE), "GID padding");
        return gidHex.substring(0, 2 * Gid.GUID_SIZE);
    }

    /** Replaces the GID lists of a NODE line by the GUIDs they hold. */
    private static void normalize(String[] node, GidLayout layout) {
        for (int i = 0; i < node.length; i++) {
            if ((node[i].equals("R") || node[i].equals("W")) && i + 1 < node.length && !node[i + 1].equals("-")) {
                List<String> guids = new ArrayList<>();
                for (String g : node[i + 1].split(",")) {
                    guids.add(guid(g, layout));
                }
                node[i + 1] = String.join(",", guids);
                i++;
            }
        }
    }

    /** The GIDs after the {@code R} or {@code W} tag of a NODE line. */
    private static Set<String> gids(String[] node, String tag) {
        int at = Arrays.asList(node).indexOf(tag);
        String list = node[at + 1];
        return list.equals("-") ? Set.of() : new HashSet<>(Arrays.asList(list.split(",")));
    }

    static String resource(String name) throws IOException {
        try (InputStream in = DiscoveryInteropTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
