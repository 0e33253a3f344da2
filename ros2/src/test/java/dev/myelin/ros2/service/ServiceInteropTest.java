package dev.myelin.ros2.service;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.TestDomain;
import dev.myelin.ros2.interop.PeerProcess;
import dev.myelin.ros2.interop.ServicePeer;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.param.ParameterDescriptor;
import dev.myelin.ros2.param.ParameterServer;
import dev.myelin.ros2.param.ParameterStore;
import dev.myelin.ros2.param.ParameterType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Services against an independent C program built with idlc from IDL carrying rmw_cyclonedds's
 * request header: C clients call a Java node's parameter services, Java calls a C service, and
 * two C clients calling at once each get only their own replies.
 */
class ServiceInteropTest {
    private static ServicePeer peer;
    private static Context context;

    @BeforeAll
    static void build() {
        peer = ServicePeer.build(Path.of("target", "interop", "service"));
        context = TestDomain.context();
    }

    @AfterAll
    static void close() {
        context.close();
    }

    private static ParameterStore store() {
        return ParameterStore.immediate(List.of(
                        ParameterDescriptor.of("gain", ParameterType.DOUBLE, "loop gain").range(0, 10),
                        ParameterDescriptor.of("limit", ParameterType.INTEGER, "upper limit"),
                        ParameterDescriptor.of("mode", ParameterType.STRING, "mode").asReadOnly()),
                Map.of("gain", 1.5, "limit", 7L, "mode", "fast"),
                proposed -> {
                    if ((Long) proposed.get("limit") < (Double) proposed.get("gain")) {
                        throw new IllegalArgumentException("limit must not be below gain");
                    }
                    return null;
                });
    }

    @Test
    void cClientsGetAndSetParametersOfAJavaNode() throws Exception {
        try (Node node = context.createNode("interop_params")) {
            ParameterStore store = store();
            node.serveParameters(store);
            MessageType eventType = node.messageType("rcl_interfaces/msg/ParameterEvent");
            List<String> changes = new CopyOnWriteArrayList<>();
            node.createSubscription("/parameter_events", eventType, Qos.DEFAULT.withDepth(100), (m, t) -> {
                var changed = m.messages(eventType.field("changed_parameters"));
                for (int i = 0; i < changed.size(); i++) {
                    Message p = changed.get(i);
                    changes.add(p.getString(p.type().field("name")) + "="
                            + ParameterServer.fromMessage("x", p.child(p.type().field("value"))));
                }
            });
            String base = node.fullyQualifiedName();
            try (PeerProcess get = peer.start(TestDomain.ID, "get", base + "/get_parameters", "gain", "limit", "mode", "nope")) {
                get.awaitLine("DONE", Duration.ofSeconds(30));
                List<String> values = get.output().stream().filter(l -> l.startsWith("VALUE ")).toList();
                assertEquals(List.of("VALUE 0 3 0 0x1.8p+0 ", "VALUE 1 2 7 0x0p+0 ", "VALUE 2 4 0 0x0p+0 fast",
                        "VALUE 3 0 0 0x0p+0 "), values);
            }
            try (PeerProcess set = peer.start(TestDomain.ID, "set", base + "/set_parameters", "gain", "double", "12.5")) {
                String result = set.awaitLine("RESULT", Duration.ofSeconds(30));
                assertTrue(result.startsWith("RESULT 0 parameter 'gain' must be in [0, 10]"), result);
            }
            try (PeerProcess set = peer.start(TestDomain.ID, "set", base + "/set_parameters", "gain", "double", "9.5")) {
                assertEquals("RESULT 0 limit must not be below gain", set.awaitLine("RESULT", Duration.ofSeconds(30)));
            }
            try (PeerProcess set = peer.start(TestDomain.ID, "set", base + "/set_parameters", "mode", "string", "slow")) {
                assertEquals("RESULT 0 parameter 'mode' is read-only", set.awaitLine("RESULT", Duration.ofSeconds(30)));
            }
            try (PeerProcess set = peer.start(TestDomain.ID, "set", base + "/set_parameters", "gain", "double", "0.5")) {
                assertEquals("RESULT 1 ", set.awaitLine("RESULT", Duration.ofSeconds(30)));
            }
            try (PeerProcess set = peer.start(TestDomain.ID, "set", base + "/set_parameters", "limit", "double", "20")) {
                assertEquals("RESULT 0 parameter 'limit' is integer, not double", set.awaitLine("RESULT", Duration.ofSeconds(30)));
            }
            try (PeerProcess set = peer.start(TestDomain.ID, "set", base + "/set_parameters", "limit", "int", "1")) {
                assertEquals("RESULT 1 ", set.awaitLine("RESULT", Duration.ofSeconds(30)));
            }
            assertEquals(Map.of("gain", 0.5, "limit", 1L, "mode", "fast"), store.snapshot());
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (changes.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of("gain=0.5", "limit=1"), changes, "only accepted sets appear on /parameter_events");
        }
    }

    @Test
    void twoCClientsAtOnceEachGetOnlyTheirOwnReplies() throws Exception {
        try (Node node = context.createNode("interop_many")) {
            ServiceServer get = node.serveParameters(store()).services().stream()
                    .filter(s -> s.name().endsWith("/get_parameters")).findFirst().orElseThrow();
            String service = node.fullyQualifiedName() + "/get_parameters";
            try (PeerProcess a = peer.start(TestDomain.ID, "get", service, "gain");
                 PeerProcess b = peer.start(TestDomain.ID, "get", service, "mode", "limit")) {
                try {
                    a.awaitLine("DONE", Duration.ofSeconds(30));
                    b.awaitLine("DONE", Duration.ofSeconds(30));
                } catch (IllegalStateException e) {
                    throw new AssertionError(e.getMessage() + "; the server served " + get.servedCount() + ", failed "
                            + get.failedCount() + ", dropped " + get.droppedCount() + ", reply readers of clients "
                            + get.matchedClientIds(), e);
                }
                assertEquals(List.of("VALUE 0 3 0 0x1.8p+0 "), a.output().stream().filter(l -> l.startsWith("VALUE")).toList());
                assertEquals(List.of("VALUE 0 4 0 0x0p+0 fast", "VALUE 1 2 7 0x0p+0 "),
                        b.output().stream().filter(l -> l.startsWith("VALUE")).toList());
                String guidA = a.output().stream().filter(l -> l.startsWith("GUID")).findFirst().orElseThrow();
                String guidB = b.output().stream().filter(l -> l.startsWith("GUID")).findFirst().orElseThrow();
                assertFalse(guidA.equals(guidB), "each client names itself differently: " + guidA);
            }
        }
    }

    @Test
    void javaClientCallsACService() throws Exception {
        try (Node node = context.createNode("interop_client");
             PeerProcess server = peer.start(TestDomain.ID, "serve", "/c_params/get_parameters", "30")) {
            server.awaitLine("READY", Duration.ofSeconds(20));
            ServiceClient client = node.createClient("/c_params/get_parameters", "rcl_interfaces/srv/GetParameters");
            assertTrue(client.waitForService(Duration.ofSeconds(20)), "C service never matched");
            for (int i = 0; i < 3; i++) {
                Message req = client.newRequest();
                req.strings(req.type().field("names")).setAll("alpha" + i, "beta");
                Message res = client.callAndWait(req, Duration.ofSeconds(5));
                var values = res.messages(res.type().field("values"));
                assertEquals(2, values.size());
                assertEquals("c:alpha" + i, ParameterServer.fromMessage("v", values.get(0)));
                assertEquals("c:beta", ParameterServer.fromMessage("v", values.get(1)));
            }
        }
    }
}
