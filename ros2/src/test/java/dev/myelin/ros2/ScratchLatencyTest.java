package dev.myelin.ros2;

import dev.myelin.ros2.interop.*;
import dev.myelin.ros2.msg.*;
import org.junit.jupiter.api.Test;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

class ScratchLatencyTest {
    static long[] pubCost = new long[20000], rtt = new long[20000], recvToHandler = new long[20000];
    static volatile int i = 0;
    static long t0, t1;
    @Test
    void split() throws Exception {
        CyclonePeer peer = CyclonePeer.build(Path.of("target", "interop", "cyclone"));
        try (Context ctx = TestDomain.context();
             PeerProcess pong = peer.start(TestDomain.ID, "pong", "twist", "rt/lat/ping", "rt/lat/pong", "60")) {
            pong.awaitLine("READY", Duration.ofSeconds(20));
            Node node = ctx.createNode("lat");
            MessageType tw = node.messageType("geometry_msgs/msg/Twist");
            Message m = tw.newMessage();
            Field x = tw.field("linear.x");
            Publisher[] pub = new Publisher[1];
            CountDownLatch done = new CountDownLatch(1);
            int warm = 5000;
            node.createSubscription("/lat/pong", tw, dev.myelin.ros2.perf.PingPong.QOS, (msg, recv) -> {
                long now = System.nanoTime();
                int k = i - warm;
                if (k >= 0) { rtt[k] = now - t0; pubCost[k] = t1 - t0; recvToHandler[k] = now - recv; }
                i++;
                if (i == warm + 20000) { done.countDown(); return; }
                m.setDouble(x, i);
                t0 = System.nanoTime(); pub[0].publish(m); t1 = System.nanoTime();
            });
            pub[0] = node.createPublisher("/lat/ping", tw, dev.myelin.ros2.perf.PingPong.QOS);
            pub[0].waitForSubscriptions(1, Duration.ofSeconds(10));
            Thread.sleep(300);
            t0 = System.nanoTime(); pub[0].publish(m); t1 = System.nanoTime();
            done.await();
            for (long[] a : new long[][]{rtt, pubCost, recvToHandler}) { Arrays.sort(a); System.out.println("p50=" + a[10000]/1e3 + " p90=" + a[18000]/1e3); }
        }
    }
}
