package dev.myelin.ros2;

import dev.myelin.ros2.interop.CyclonePeer;
import dev.myelin.ros2.interop.Ddsperf;
import dev.myelin.ros2.interop.InteropSamples;
import dev.myelin.ros2.interop.PeerProcess;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.perf.PingPong;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's machinery works end to end (the figures themselves come from
 * {@code ./myelin bench ros2}): Java pings a Java pong and the C pong, and ddsperf runs and parses.
 */
class PingPongTest {

    @Test
    void javaPingsJavaPong() throws Exception {
        try (Context pinger = TestDomain.context(); Context ponger = TestDomain.context()) {
            Node pongNode = ponger.createNode("pong");
            MessageType scan = pongNode.messageType("sensor_msgs/msg/LaserScan");
            Publisher back = pongNode.createPublisher("/pingpong/jj/pong", scan, PingPong.QOS);
            pongNode.createSubscription("/pingpong/jj/ping", scan, PingPong.QOS, (m, t) -> back.publish(m));
            Message sample = scan.newMessage();
            InteropSamples.fill(sample, 1);
            PingPong.Result r = PingPong.run(pinger.createNode("ping"), sample, "/pingpong/jj/ping", "/pingpong/jj/pong",
                    50, 200, Duration.ofSeconds(5));
            assertEquals(200, r.roundTripNanos().length);
            assertTrue(Arrays.stream(r.roundTripNanos()).allMatch(ns -> ns > 0), "every round trip measured");
        }
    }

    @Test
    void javaPingsCPong() throws Exception {
        CyclonePeer peer = CyclonePeer.build(Path.of("target", "interop", "cyclone"));
        try (Context pinger = TestDomain.context();
             PeerProcess pong = peer.start(TestDomain.ID, "pong", "twist", "rt/pingpong/jc/ping", "rt/pingpong/jc/pong", "60")) {
            pong.awaitLine("READY", Duration.ofSeconds(20));
            MessageType twist = pinger.messageTypes().get("geometry_msgs/msg/Twist");
            PingPong.Result r = PingPong.run(pinger.createNode("ping"), twist.newMessage(), "/pingpong/jc/ping",
                    "/pingpong/jc/pong", 50, 200, Duration.ofSeconds(5));
            assertEquals(200, r.roundTripNanos().length);
            assertTrue(Arrays.stream(r.roundTripNanos()).allMatch(ns -> ns > 0));
        }
    }

    @Test
    void cPingsCPong() throws Exception {
        CyclonePeer peer = CyclonePeer.build(Path.of("target", "interop", "cyclone"));
        try (PeerProcess pong = peer.start(TestDomain.ID, "pong", "scan", "rt/pingpong/cc/ping", "rt/pingpong/cc/pong", "60")) {
            pong.awaitLine("READY", Duration.ofSeconds(20));
            long[] rtt = peer.ping(TestDomain.ID, "scan", "rt/pingpong/cc/ping", "rt/pingpong/cc/pong", 50, 1500);
            assertEquals(1500, rtt.length);
            assertTrue(Arrays.stream(rtt).allMatch(ns -> ns > 0));
        }
    }

    @Test
    void ddsperfRunsAndReports() throws Exception {
        Ddsperf.Result r = Ddsperf.pingPong(TestDomain.ID == 100 ? 99 : TestDomain.ID + 1, 48, 2);
        assertTrue(r.count() > 0 && r.p50() > 0 && r.p99() >= r.p50() && r.max() >= r.p99(), r.toString());
    }
}
