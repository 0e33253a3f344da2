package dev.myelin.sim.node;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.TopicEndpoint;
import dev.myelin.ros2.interop.IdlcProgram;
import dev.myelin.ros2.interop.PeerProcess;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.tf.TfFrames;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.task.DiffDriveNav;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A C program built by idlc from the IDL below (tf2_msgs/TFMessage written out here, not taken from
 * Myelin's definitions) listens to the sim node's {@code /tf} and {@code /tf_static}: the static
 * transforms carry the frames and mounts the parameters ask for, and every {@code odom → base}
 * transform equals the pose of the {@code odom} message with the same stamp.
 */
class SimTfInteropTest {
    static final String IDL = """
            module builtin_interfaces { module msg { module dds_ {
              struct Time_ { int32 sec; uint32 nanosec; };
            }; }; };
            module std_msgs { module msg { module dds_ {
              struct Header_ { builtin_interfaces::msg::dds_::Time_ stamp; string frame_id; };
            }; }; };
            module geometry_msgs { module msg { module dds_ {
              struct Vector3_ { double x; double y; double z; };
              struct Quaternion_ { double x; double y; double z; double w; };
              struct Transform_ { Vector3_ translation; Quaternion_ rotation; };
              struct TransformStamped_ { std_msgs::msg::dds_::Header_ header; string child_frame_id; Transform_ transform; };
            }; }; };
            module tf2_msgs { module msg { module dds_ {
              struct TFMessage_ { sequence<geometry_msgs::msg::dds_::TransformStamped_> transforms; };
            }; }; };
            """;
    private static final int COUNT = 20;

    private record Pose(double x, double y, double qz, double qw) {
    }

    @Test
    void cPeerReceivesTfAndTfStatic() throws Exception {
        String source;
        try (InputStream in = SimTfInteropTest.class.getResourceAsStream("tf_peer.c")) {
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        IdlcProgram peer = IdlcProgram.build(Path.of("target", "interop", "tf"), "tf_peer", "tf", IDL, source);
        int domain = ThreadLocalRandom.current().nextInt(121, 140);
        TfFrames frames = TfFrames.fromParameters(Map.of("frames.laser", "laser", "mounts.laser.x", 0.05,
                "mounts.laser.yaw", Math.PI, "frames.imu", "imu"));
        try (Context ctx = Context.builder().domainId(domain).localhostOnly(true).build();
             Context listener = Context.builder().domainId(domain).localhostOnly(true).build()) {
            Node node = ctx.createNode("tf_sim");
            SimEnv env = new SimEnv(Tasks.simulator(TaskSpec.of(DiffDriveNav.NAME).withOptions("lidar_noise=0"), 1));
            Node check = listener.createNode("tf_check");
            MessageType odomType = check.messageType("nav_msgs/msg/Odometry");
            Map<Long, Pose> odom = new ConcurrentHashMap<>();
            Subscription odomSub = check.createSubscription("/odom", odomType, Qos.DEFAULT.withDepth(100), (m, t) -> odom.put(
                    m.getLong(odomType.field("header.stamp.sec")) * 1_000_000_000L + m.getLong(odomType.field("header.stamp.nanosec")),
                    new Pose(m.getDouble(odomType.field("pose.pose.position.x")), m.getDouble(odomType.field("pose.pose.position.y")),
                            m.getDouble(odomType.field("pose.pose.orientation.z")), m.getDouble(odomType.field("pose.pose.orientation.w")))));
            List<String[]> tf = new ArrayList<>();
            List<String[]> statics = new ArrayList<>();
            try (SimNode simNode = new SimNode(node, env, 5, 0.5, Qos.SENSOR_DATA, frames);
                 PeerProcess c = peer.start(Integer.toString(domain), Integer.toString(COUNT), "30")) {
                c.awaitLine("READY", Duration.ofSeconds(20));
                String sim = ctx.participantGid().hex();
                assertFalse(listener.graph().await(e -> e.topic().equals("/tf") && e.kind() == TopicEndpoint.Kind.SUBSCRIPTION
                        && !e.participantGuid().equals(sim), 1, Duration.ofSeconds(20)).isEmpty(), "C peer's /tf reader never discovered");
                assertTrue(odomSub.waitForPublications(1, Duration.ofSeconds(10)));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (c.output().stream().noneMatch(l -> l.equals("DONE")) && System.nanoTime() < deadline) {
                    simNode.tick();
                    Thread.sleep(10);
                }
                assertEquals(0, c.waitFor(Duration.ofSeconds(10)), c.errorOutput());
                for (String line : c.output()) {
                    String[] w = line.split(" ");
                    if (w[0].equals("TF")) {
                        tf.add(w);
                    } else if (w[0].equals("STATIC")) {
                        statics.add(w);
                    }
                }
            }
            assertEquals(2, statics.size(), "static transforms");
            String[] laser = statics.get(0);
            assertEquals("base_footprint", laser[1]);
            assertEquals("laser", laser[2]);
            assertEquals(0.05, Double.parseDouble(laser[5]), 1e-12);
            assertEquals(0.18, Double.parseDouble(laser[7]), 1e-12);
            assertEquals(1.0, Double.parseDouble(laser[10]), 1e-12); // yaw pi: qz = sin(pi/2)
            assertEquals(Math.cos(Math.PI / 2), Double.parseDouble(laser[11]), 1e-12);
            String[] imu = statics.get(1);
            assertEquals("base_footprint", imu[1]);
            assertEquals("imu", imu[2]);
            assertEquals(0.07, Double.parseDouble(imu[7]), 1e-12);

            assertTrue(tf.size() >= COUNT, "transforms received: " + tf.size());
            Thread.sleep(200); // let the Java subscription catch up with the last odom messages
            int compared = 0;
            boolean moved = false;
            for (String[] t : tf) {
                assertEquals("odom", t[1]);
                assertEquals("base_footprint", t[2]);
                long stamp = Long.parseLong(t[3]) * 1_000_000_000L + Long.parseLong(t[4]);
                Pose p = odom.get(stamp);
                if (p == null) {
                    continue;
                }
                compared++;
                assertEquals(p.x(), Double.parseDouble(t[5]), 1e-12, "x at " + stamp);
                assertEquals(p.y(), Double.parseDouble(t[6]), 1e-12, "y at " + stamp);
                assertEquals(p.qz(), Double.parseDouble(t[10]), 1e-12, "qz at " + stamp);
                assertEquals(p.qw(), Double.parseDouble(t[11]), 1e-12, "qw at " + stamp);
                moved |= Double.parseDouble(t[5]) != 0 || Double.parseDouble(t[6]) != 0;
            }
            assertTrue(compared >= COUNT / 2, "transforms matched to odom by stamp: " + compared + " of " + tf.size());
            assertTrue(moved, "the start pose is not the origin, so some transform must be non-zero");
        }
    }
}
