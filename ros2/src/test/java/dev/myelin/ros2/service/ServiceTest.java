package dev.myelin.ros2.service;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.EndpointOptions;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.TestDomain;
import dev.myelin.ros2.cdr.CdrWriter;
import dev.myelin.ros2.msg.CdrCodec;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Services between Java nodes: wire types and names, replies to the asker only, slow and failing handlers. */
class ServiceTest {
    private static Context context;

    @BeforeAll
    static void open() {
        context = TestDomain.context();
    }

    @AfterAll
    static void close() {
        context.close();
    }

    @Test
    void srvHalvesHaveRmwNamesAndTheRequestHeaderLeadsTheBytes() {
        ServiceType t = ServiceType.of(MessageTypes.standard(), "rcl_interfaces/srv/GetParameters");
        assertEquals("rcl_interfaces::srv::dds_::GetParameters_Request_", t.request().ddsTypeName());
        assertEquals("rcl_interfaces::srv::dds_::GetParameters_Response_", t.responseWire().ddsTypeName());
        assertEquals("rq/controller/get_parametersRequest", EndpointOptions.serviceRequest().ddsTopicName("/controller/get_parameters"));
        assertEquals("rr/controller/get_parametersReply", EndpointOptions.serviceReply().ddsTopicName("/controller/get_parameters"));
        Message wire = t.requestWire().newMessage();
        wire.setLong(t.requestWire().field("client_guid"), 0x0102030405060708L);
        wire.setLong(t.requestWire().field("sequence_number"), 42);
        wire.child(t.requestWire().field("body")).strings(t.request().field("names")).setAll("rate_hz");
        CdrWriter w = new CdrWriter(64);
        long n = CdrCodec.encode(wire, w);
        ByteBuffer b = ByteBuffer.wrap(w.buffer().asSlice(0, n).toArray(ValueLayout.JAVA_BYTE)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(4 + 16 + 4 + 4 + 8, n, "encapsulation, header, sequence length, string length, 'rate_hz\\0'");
        assertEquals(0x0102030405060708L, b.getLong(4));
        assertEquals(42, b.getLong(12));
        assertEquals(1, b.getInt(20));
        assertEquals(8, b.getInt(24));
        byte[] s = new byte[7];
        b.get(28, s);
        assertArrayEquals("rate_hz".getBytes(), s);
        ServiceType empty = ServiceType.of(MessageTypes.standard(), "lifecycle_msgs/srv/GetState");
        assertEquals(List.of("structure_needs_at_least_one_member"),
                empty.request().fields().stream().map(f -> f.name()).toList());
    }

    @Test
    void srvDefinitionsAreDataFromTextOrASearchPath(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        MessageTypes types = new MessageTypes();
        types.defineService("demo_srvs/srv/Scale", "float64 x  # input\nint32 times\n---\nfloat64 y\n");
        ServiceType scale = ServiceType.of(types, "demo_srvs/Scale");
        assertEquals("demo_srvs/srv/Scale", scale.name());
        assertEquals(List.of("x", "times"), scale.request().fields().stream().map(f -> f.name()).toList());
        assertEquals("demo_srvs::srv::dds_::Scale_Response_", scale.responseWire().ddsTypeName());
        var e = assertThrows(dev.myelin.ros2.msg.MessageDefinitionException.class,
                () -> types.defineService("demo_srvs/srv/Broken", "float64 x\n---\nfloat64 y\nfloat99 z\n"));
        assertTrue(e.getMessage().contains("line 4"), e.getMessage());
        assertThrows(dev.myelin.ros2.msg.MessageDefinitionException.class,
                () -> types.defineService("demo_srvs/srv/NoSeparator", "float64 x\n"));
        java.nio.file.Files.createDirectories(dir.resolve("demo_srvs/srv"));
        java.nio.file.Files.writeString(dir.resolve("demo_srvs/srv/Ping.srv"), "---\nstring reply\n");
        MessageTypes fromDisk = new MessageTypes().addSearchPath(dir);
        ServiceType ping = ServiceType.of(fromDisk, "demo_srvs/srv/Ping");
        assertEquals(List.of("reply"), ping.response().fields().stream().map(f -> f.name()).toList());
        assertThrows(dev.myelin.ros2.msg.UnknownMessageTypeException.class, () -> ServiceType.of(fromDisk, "demo_srvs/srv/Nope"));
    }

    @Test
    void repliesReachOnlyTheClientThatAsked() throws Exception {
        try (Node server = context.createNode("echo_server"); Node a = context.createNode("client_a");
             Node b = context.createNode("client_b")) {
            server.createService("echo_names", "rcl_interfaces/srv/GetParameterTypes", (req, res) -> {
                var names = req.strings(req.type().field("names"));
                var types = res.primitives(res.type().field("types"));
                types.resize(names.size());
                for (int i = 0; i < names.size(); i++) {
                    types.setLong(i, names.get(i).length());
                }
            });
            ServiceServer echo = server.createService("echo_names_too", "rcl_interfaces/srv/GetParameterTypes", (q, r) -> { });
            ServiceClient ca = a.createClient("/echo_names", "rcl_interfaces/srv/GetParameterTypes");
            ServiceClient cb = b.createClient("/echo_names", "rcl_interfaces/srv/GetParameterTypes");
            ServiceClient cc = b.createClient("/echo_names_too", "rcl_interfaces/srv/GetParameterTypes");
            assertTrue(ca.waitForService(Duration.ofSeconds(10)));
            assertTrue(cb.waitForService(Duration.ofSeconds(10)));
            assertTrue(cc.waitForService(Duration.ofSeconds(10)));
            String idFormat = "[0-9a-f]{2}(\\.[0-9a-f]{1,2}){15}";
            assertTrue(ca.id().matches(idFormat) && echo.id().matches(idFormat), ca.id() + " / " + echo.id());
            assertFalse(ca.id().equals(cb.id()));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!echo.matchedClientIds().contains(cc.id()) && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertEquals(java.util.Set.of(cc.id()), echo.matchedClientIds(),
                    "the reply writer pairs with the reader carrying the client's clientid=, and only that client's");
            for (int round = 0; round < 5; round++) {
                Message qa = ca.newRequest();
                qa.strings(qa.type().field("names")).setAll("x", "yy");
                Message qb = cb.newRequest();
                qb.strings(qb.type().field("names")).setAll("zzz");
                CompletableFuture<Message> fa = ca.call(qa, Duration.ofSeconds(5));
                CompletableFuture<Message> fb = cb.call(qb, Duration.ofSeconds(5));
                var ta = fa.get().primitives(fa.get().type().field("types"));
                var tb = fb.get().primitives(fb.get().type().field("types"));
                assertEquals(2, ta.size());
                assertEquals(1, ta.getLong(0));
                assertEquals(2, ta.getLong(1));
                assertEquals(1, tb.size());
                assertEquals(3, tb.getLong(0));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while ((ca.foreignReplyCount() < 5 || cb.foreignReplyCount() < 5) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(5, ca.foreignReplyCount(), "replies to b that a saw and dropped");
            assertEquals(5, cb.foreignReplyCount(), "replies to a that b saw and dropped");
        }
    }

    @Test
    void slowOrFailingHandlersDoNotBlockTheExecutorAndCallsTimeOut() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Node server = context.createNode("slow_server"); Node client = context.createNode("slow_client")) {
            ServiceServer slow = server.createService("slow", "lifecycle_msgs/srv/GetState", (req, res) -> {
                release.await(10, TimeUnit.SECONDS);
            });
            ServiceServer failing = server.createService("failing", "lifecycle_msgs/srv/GetState", (req, res) -> {
                throw new IllegalStateException("handler broke");
            });
            ServiceClient cs = client.createClient("/slow", "lifecycle_msgs/srv/GetState");
            ServiceClient cf = client.createClient("/failing", "lifecycle_msgs/srv/GetState");
            var topicType = client.messageType("std_msgs/msg/Int32");
            var pub = server.createPublisher("/slow_side_topic", topicType, dev.myelin.ros2.Qos.DEFAULT);
            CountDownLatch got = new CountDownLatch(1);
            client.createSubscription("/slow_side_topic", topicType, dev.myelin.ros2.Qos.DEFAULT, (m, t) -> got.countDown());
            assertTrue(cs.waitForService(Duration.ofSeconds(10)));
            assertTrue(cf.waitForService(Duration.ofSeconds(10)));
            CompletableFuture<Message> pending = cs.call(cs.newRequest(), Duration.ofMillis(300));
            assertTrue(pub.waitForSubscriptions(1, Duration.ofSeconds(10)));
            pub.publish(topicType.newMessage());
            assertTrue(got.await(5, TimeUnit.SECONDS), "a topic keeps flowing while a handler hangs");
            ExecutionException e = assertThrows(ExecutionException.class, pending::get);
            assertInstanceOf(TimeoutException.class, e.getCause());
            assertThrows(TimeoutException.class, () -> cf.callAndWait(cf.newRequest(), Duration.ofMillis(300)));
            assertEquals(1, failing.failedCount());
            assertTrue(failing.lastFailure().contains("handler broke"), failing.lastFailure());
            release.countDown();
            Message state = cs.callAndWait(cs.newRequest(), Duration.ofSeconds(5));
            assertEquals("lifecycle_msgs/srv/GetState_Response", state.type().name());
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (slow.servedCount() < 2 && System.nanoTime() < until) {
                Thread.sleep(5); // counted just after the reply is written
            }
            assertEquals(2, slow.servedCount(), "the late reply to the timed-out call and the second call");
        }
    }
}
