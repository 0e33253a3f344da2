package dev.myelin.observe.foxglove;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.myelin.observe.Await;
import dev.myelin.observe.WebClients;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.node.SimNode;
import dev.myelin.sim.task.DiffDriveNav;
import dev.myelin.sim.task.Lidar;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live view against the official Foxglove client ({@code @foxglove/ws-protocol}'s FoxgloveClient over
 * {@code ws}, in node): topics of a running sim node advertised with their ros2msg schemas, subscribed,
 * decoded by {@code @foxglove/rosmsg2-serialization} to the values the sim published; unsubscribe and
 * disconnect; and a client that stops reading loses messages (counted) while the publisher never waits.
 */
class FoxgloveBridgeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aFoxgloveClientDecodesScanOdomAndTfWhileTheSimRuns() throws Exception {
        int domain = ThreadLocalRandom.current().nextInt(141, 160);
        String ns = "/fx" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8);
        SimEnv env = new SimEnv(Tasks.simulator(TaskSpec.of(DiffDriveNav.NAME).withOptions("lidar_noise=0"), 1));
        Lidar lidar = ((DiffDriveNav) env.simulator()).lidar();
        String scan = ns + "/scan";
        String odom = ns + "/odom";
        // /tf is shared by every sim on the domain; the child frame tells ours apart only by value, so keep one sim.
        try (Context simContext = Context.builder().domainId(domain).localhostOnly(true).build();
             SimNode sim = new SimNode(simContext.createNode("myelin_sim", ns), env, 5, 0.5);
             FoxgloveBridge bridge = FoxgloveBridge.start(new FoxgloveBridge.Options("127.0.0.1", 0, domain, true,
                     List.of(scan, odom, "/tf"), FoxgloveServer.DEFAULT_MAX_QUEUED))) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread ticking = Thread.ofPlatform().name("sim").start(() -> sim.run(4, () -> !stop.get()));
            String out;
            try {
                out = WebClients.run(90, "foxglove-client.mjs", "decode", "ws://127.0.0.1:" + bridge.port(), "5",
                        scan, odom, "/tf");
            } finally {
                stop.set(true);
                ticking.join(5000);
            }
            JsonNode r = JSON.readTree(out);
            assertEquals("myelin", r.at("/serverInfo/name").asText());
            assertEquals(0, r.at("/serverInfo/capabilities").size(), "no optional capabilities are offered");
            Map<String, JsonNode> channels = new HashMap<>();
            r.get("channels").forEach(c -> channels.put(c.get("topic").asText(), c));
            assertEquals("sensor_msgs/msg/LaserScan", channels.get(scan).get("schemaName").asText());
            assertEquals("nav_msgs/msg/Odometry", channels.get(odom).get("schemaName").asText());
            assertEquals("tf2_msgs/msg/TFMessage", channels.get("/tf").get("schemaName").asText());
            for (JsonNode c : channels.values()) {
                assertEquals("cdr", c.get("encoding").asText());
                assertEquals("ros2msg", c.get("schemaEncoding").asText());
            }
            String tfSchema = channels.get("/tf").get("schema").asText();
            assertTrue(tfSchema.contains("=".repeat(80) + "\nMSG: geometry_msgs/TransformStamped\n")
                    && tfSchema.contains("\nMSG: builtin_interfaces/Time\n"), tfSchema);

            long now = System.currentTimeMillis() * 1_000_000L;
            for (JsonNode m : r.at("/messages/" + escape(scan))) {
                assertTrue(Math.abs(m.get("receiveTimeNs").asLong() - now) < 120_000_000_000L, "receive time is epoch ns");
                JsonNode s = m.get("message");
                assertEquals("base_scan", s.at("/header/frame_id").asText());
                assertEquals(lidar.beams(), s.get("ranges").size());
                assertEquals((float) lidar.angleMin(), (float) s.get("angle_min").asDouble(), 0f);
                assertEquals((float) lidar.rangeMax(), (float) s.get("range_max").asDouble(), 0f);
                for (JsonNode range : s.get("ranges")) {
                    double v = range.isTextual() ? Double.parseDouble(range.asText()) : range.asDouble();
                    assertTrue(v > 0 && (v <= lidar.rangeMax() || v == Double.POSITIVE_INFINITY), "range " + v);
                }
            }
            Map<Long, double[]> odomPose = new HashMap<>();
            for (JsonNode m : r.at("/messages/" + escape(odom))) {
                JsonNode o = m.get("message");
                assertEquals("odom", o.at("/header/frame_id").asText());
                assertEquals("base_footprint", o.get("child_frame_id").asText());
                JsonNode q = o.at("/pose/pose/orientation");
                assertEquals(1.0, Math.hypot(q.get("z").asDouble(), q.get("w").asDouble()), 1e-9, "unit quaternion");
                odomPose.put(stamp(o.get("header")), new double[]{o.at("/pose/pose/position/x").asDouble(),
                        o.at("/pose/pose/position/y").asDouble(), q.get("z").asDouble()});
            }
            int matched = 0;
            for (JsonNode m : r.at("/messages/" + escape("/tf"))) {
                JsonNode transforms = m.at("/message/transforms");
                assertEquals(1, transforms.size());
                JsonNode t = transforms.get(0);
                assertEquals("odom", t.at("/header/frame_id").asText());
                assertEquals("base_footprint", t.get("child_frame_id").asText());
                double[] p = odomPose.get(stamp(t.get("header")));
                if (p != null) {
                    matched++;
                    assertEquals(p[0], t.at("/transform/translation/x").asDouble(), 0.0);
                    assertEquals(p[1], t.at("/transform/translation/y").asDouble(), 0.0);
                    assertEquals(p[2], t.at("/transform/rotation/z").asDouble(), 0.0);
                }
            }
            assertTrue(matched > 0, "a /tf and an /odom of the same tick were decoded");
            assertEquals(0, r.get("afterUnsubscribe").asInt(), "nothing arrives for a subscription after unsubscribe");
            assertEquals(0, r.get("statuses").size(), "no request was refused: " + r.get("statuses"));
            awaitTrue(() -> bridge.server().stats().clients() == 0, "the disconnected client is forgotten");
        }
    }

    @Test
    void aStalledClientLosesMessagesAndNeverBlocksThePublisher() throws Exception {
        int maxQueued = 16;
        try (FoxgloveServer server = FoxgloveServer.start("myelin", new InetSocketAddress("127.0.0.1", 0), maxQueued)) {
            FoxgloveServer.ChannelInfo big = server.advertise("/big", "cdr", "std_msgs/msg/Float32MultiArray",
                    "std_msgs/MultiArrayLayout layout\nfloat32[] data\n", "ros2msg");
            byte[] payload = new byte[32 * 1024];
            ThreadLocalRandom.current().nextBytes(payload);
            payload[0] = 0;
            payload[1] = 1; // CDR little-endian encapsulation
            String url = "ws://127.0.0.1:" + server.port();

            Process stalled = WebClients.start("foxglove-client.mjs", "stall", url, "/big");
            BufferedReader stalledErr = new BufferedReader(new InputStreamReader(stalled.getErrorStream(), StandardCharsets.UTF_8));
            awaitTrue(() -> server.hasSubscribers(big), "the stalling client subscribed");
            server.publish(big, payload, System.nanoTime());
            assertEquals("stalled", stalledErr.readLine());
            Process reader = WebClients.start("foxglove-client.mjs", "read", url, "/big");
            awaitTrue(() -> server.clientStats().size() == 2 && server.clientStats().get(1).subscriptions() == 1,
                    "the reading client subscribed");

            int published = 1500;
            int maxSeen = 0;
            for (int i = 0; i < published; i++) {
                server.publish(big, payload, System.nanoTime());
                for (FoxgloveServer.ClientStats c : server.clientStats()) {
                    maxSeen = Math.max(maxSeen, c.queued());
                }
                if (i % 8 == 0) {
                    Thread.sleep(1); // about 250 MB/s at most: a reader on this machine keeps up
                }
            }
            FoxgloveServer.ClientStats stalledStats = server.clientStats().get(0);
            assertTrue(maxSeen <= maxQueued, "queued frames never exceed the bound: " + maxSeen);
            assertEquals(published + 1, stalledStats.sent() + stalledStats.dropped(), "every message sent or counted dropped");
            assertTrue(stalledStats.dropped() > published / 2, "the stalled client lost most messages: " + stalledStats);

            awaitTrue(() -> server.clientStats().get(1).queued() == 0, "the reader's queue drained");
            FoxgloveServer.ClientStats readerStats = server.clientStats().get(1);
            reader.getOutputStream().close();
            JsonNode read = JSON.readTree(new String(reader.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(readerStats.sent(), read.get("received").asLong(), "the reader got every frame sent to it");
            assertTrue(readerStats.sent() > stalledStats.sent(), "the reader was served while the other stalled: "
                    + readerStats + " vs " + stalledStats);
            assertEquals(published, readerStats.sent() + readerStats.dropped());
            assertTrue(reader.waitFor(10, TimeUnit.SECONDS));
            stalled.destroy();
            assertTrue(stalled.waitFor(10, TimeUnit.SECONDS));
            awaitTrue(() -> server.stats().clients() == 0, "both clients are forgotten after they disconnect");
            assertEquals(stalledStats.dropped() + readerStats.dropped(), server.stats().dropped());
        }
    }

    @Test
    void badRequestsGetAStatusNamingTheProblemAndTheConnectionStays() throws Exception {
        try (FoxgloveServer server = FoxgloveServer.start("myelin", new InetSocketAddress("127.0.0.1", 0))) {
            FoxgloveServer.ChannelInfo odom = server.advertiseRos2("/odom", "nav_msgs/msg/Odometry", "float64 x\n");
            java.util.concurrent.BlockingQueue<String> texts = new java.util.concurrent.LinkedBlockingQueue<>();
            java.util.concurrent.atomic.AtomicInteger binary = new java.util.concurrent.atomic.AtomicInteger();
            java.net.http.WebSocket ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                    .subprotocols(FoxgloveServer.SUBPROTOCOL)
                    .buildAsync(java.net.URI.create("ws://127.0.0.1:" + server.port()), new java.net.http.WebSocket.Listener() {
                        final StringBuilder part = new StringBuilder();

                        @Override
                        public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence d, boolean last) {
                            part.append(d);
                            if (last) {
                                texts.add(part.toString());
                                part.setLength(0);
                            }
                            w.request(1);
                            return null;
                        }

                        @Override
                        public java.util.concurrent.CompletionStage<?> onBinary(java.net.http.WebSocket w, java.nio.ByteBuffer d,
                                                                               boolean last) {
                            binary.incrementAndGet();
                            w.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            assertEquals(FoxgloveServer.SUBPROTOCOL, ws.getSubprotocol());
            assertEquals("serverInfo", JSON.readTree(texts.poll(10, TimeUnit.SECONDS)).get("op").asText());
            JsonNode adv = JSON.readTree(texts.poll(10, TimeUnit.SECONDS));
            assertEquals("advertise", adv.get("op").asText());
            assertEquals(odom.id(), adv.at("/channels/0/id").asInt());

            List<Map.Entry<String, String>> sent = new java.util.ArrayList<>();
            sent.add(Map.entry("not json", "request is not JSON"));
            sent.add(Map.entry("{\"op\":\"subscribe\",\"subscriptions\":[{\"id\":1,\"channelId\":999}]}", "no channel 999"));
            sent.add(Map.entry("{\"op\":\"subscribe\",\"subscriptions\":[{\"id\":-4,\"channelId\":" + odom.id() + "}]}",
                    "needs an 'id'"));
            sent.add(Map.entry("{\"op\":\"subscribe\",\"subscriptions\":[{\"id\":7,\"channelId\":" + odom.id() + "}]}", ""));
            sent.add(Map.entry("{\"op\":\"subscribe\",\"subscriptions\":[{\"id\":7,\"channelId\":" + odom.id() + "}]}",
                    "subscription id 7 is already in use"));
            sent.add(Map.entry("{\"op\":\"unsubscribe\",\"subscriptionIds\":[42]}", "no subscription 42"));
            sent.add(Map.entry("{\"op\":\"setParameters\",\"parameters\":[]}", "unsupported operation 'setParameters'"));
            for (Map.Entry<String, String> e : sent) {
                ws.sendText(e.getKey(), true).get(5, TimeUnit.SECONDS);
                if (!e.getValue().isEmpty()) {
                    JsonNode status = JSON.readTree(texts.poll(10, TimeUnit.SECONDS));
                    assertEquals("status", status.get("op").asText());
                    assertTrue(status.get("message").asText().contains(e.getValue()), status + " for " + e.getKey());
                }
            }
            ws.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 0}), true).get(5, TimeUnit.SECONDS);
            JsonNode refused = JSON.readTree(texts.poll(10, TimeUnit.SECONDS));
            assertEquals(2, refused.get("level").asInt());
            assertTrue(refused.get("message").asText().contains("clientPublish"), refused.toString());
            // Still connected and subscribed once: a message arrives as one binary frame.
            server.publish(odom, new byte[] {0, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}, System.nanoTime());
            awaitTrue(() -> binary.get() == 1, "the message after the refused requests");
            assertEquals(7, server.stats().refusedRequests());
            ws.abort();
        }
    }

    @Test
    void publishingWithoutSubscribersAllocatesNothing() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (FoxgloveServer server = FoxgloveServer.start("myelin", new InetSocketAddress("127.0.0.1", 0));
             FoxgloveProbe idle = FoxgloveProbe.connect(java.net.URI.create("ws://127.0.0.1:" + server.port()), false,
                     java.util.Set.of("/quiet", "/other"))) {
            awaitTrue(() -> server.stats().clients() == 1, "a client connected");
            FoxgloveServer.ChannelInfo quiet = server.advertiseRos2("/quiet", "std_msgs/msg/Float32", "float32 data\n");
            FoxgloveServer.ChannelInfo other = server.advertiseRos2("/other", "std_msgs/msg/Float32", "float32 data\n");
            awaitTrue(() -> idle.subscriptions() == 2, "the client subscribed to both");
            byte[] cdr = {0, 1, 0, 0, 0, 0, (byte) 0x80, 0x3f};
            java.lang.foreign.MemorySegment payload = java.lang.foreign.MemorySegment.ofArray(cdr);
            FoxgloveServer.ChannelInfo unsubscribed = server.advertiseRos2("/late", "std_msgs/msg/Float32", "float32 data\n");
            for (int i = 0; i < 20_000; i++) {
                server.publish(unsubscribed, payload, cdr.length, System.nanoTime());
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100_000; i++) {
                server.publish(unsubscribed, payload, cdr.length, System.nanoTime());
            }
            long bytes = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(bytes < 8 * 1024, bytes + " bytes allocated over 100 000 messages nobody subscribed to");
            assertTrue(quiet.id() != other.id());
        }
    }

    private static long stamp(JsonNode header) {
        return header.at("/stamp/sec").asLong() * 1_000_000_000L + header.at("/stamp/nanosec").asLong();
    }

    private static String escape(String topic) {
        return topic.replace("~", "~0").replace("/", "~1");
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        Await.until(condition, what, java.time.Duration.ofSeconds(20));
    }
}
