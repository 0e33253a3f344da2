package dev.myelin.controller;

import dev.myelin.controller.config.ControllerParams;
import dev.myelin.controller.config.ParamsException;
import dev.myelin.controller.mapping.ObservationMap;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.msg.PrimitiveArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The observation map over real ROS 2 loopback topics: sector min-pooling, clipping, goal geometry, scaling, staleness. */
class ObservationMapTest {
    private static Context context;

    @BeforeAll
    static void open() {
        context = Context.builder().domainId(ThreadLocalRandom.current().nextInt(200, 230)).localhostOnly(true).build();
    }

    @AfterAll
    static void close() {
        context.close();
    }

    private static ControllerParams params(String observations) {
        return ControllerParams.parse("""
                controller:
                  ros__parameters:
                    observations:
                %s
                    actions:
                      - {channel: v, topic: /t/cmd, field: linear.x, min: -1, max: 1}
                """.formatted(observations), "t.yaml", null);
    }

    private static void awaitFresh(ObservationMap map, float[] obs) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long tick = 0;
        while (map.read(tick++, System.nanoTime(), obs) >= 0) {
            assertTrue(System.nanoTime() < deadline, "inputs arrived");
            Thread.sleep(5);
        }
    }

    @Test
    void scanSectorsAreMinPooledAndClipped() throws Exception {
        ControllerParams p = params("      - {name: lidar, kind: laser_scan, topic: /t/scan, qos: default, sectors: 4, clip: [0.2, 3.0], max_age_s: disabled}");
        try (Node node = context.createNode("obs_scan")) {
            ObservationMap map = new ObservationMap(node, p.observations());
            MessageType scanType = node.messageType("sensor_msgs/msg/LaserScan");
            Publisher pub = node.createPublisher("/t/scan", scanType, Qos.DEFAULT);
            assertTrue(pub.waitForSubscriptions(1, Duration.ofSeconds(5)));
            Message scan = scanType.newMessage();
            PrimitiveArray r = scan.primitives(scanType.field("ranges"));
            // 10 beams into 4 sectors: [0,2) [2,5) [5,7) [7,10).
            float[] ranges = {2.5f, 1.5f, /**/ Float.POSITIVE_INFINITY, 0.05f, 2.0f, /**/ Float.NaN, Float.POSITIVE_INFINITY,
                    /**/ Float.NaN, Float.NaN, Float.NaN};
            r.resize(ranges.length);
            r.setFloats(ranges, 0, ranges.length);
            pub.publish(scan);
            float[] obs = new float[4];
            long deadline = System.nanoTime() + 5_000_000_000L;
            long tick = 0;
            while (map.read(tick++, System.nanoTime(), obs) >= 0) {
                assertTrue(System.nanoTime() < deadline);
                Thread.sleep(5);
            }
            assertEquals(1.5f, obs[0], "nearest return of sector 0");
            assertEquals(0.2f, obs[1], "0.05 m clipped up to 0.2");
            assertEquals(3.0f, obs[2], "NaN skipped, +Inf (no return) reads as the far clip");
            assertTrue(Float.isNaN(obs[3]), "a sector of only invalid beams is NaN, for the safety gate to refuse");
            map.close();
        }
    }

    @Test
    void goalGeometryFieldsAndStaleness() throws Exception {
        ControllerParams p = params("      - {name: goal, kind: goal, odom_topic: /t/odom, goal_topic: /t/goal, max_age_s: 0.2}\n"
                + "      - {name: v, kind: field, topic: /t/odom, type: nav_msgs/msg/Odometry, field: twist.twist.linear.x,"
                + " scale: 2.0, offset: 0.5, max_age_s: 0.2}");
        try (Node node = context.createNode("obs_goal")) {
            ObservationMap map = new ObservationMap(node, p.observations());
            assertEquals(1, map.inputs().size() - 1, "two slices on /t/odom share one subscription");
            MessageType odomType = node.messageType("nav_msgs/msg/Odometry");
            MessageType poseType = node.messageType("geometry_msgs/msg/PoseStamped");
            Publisher odomPub = node.createPublisher("/t/odom", odomType, Qos.DEFAULT);
            Publisher goalPub = node.createPublisher("/t/goal", poseType, Qos.TRANSIENT_LOCAL);
            assertTrue(odomPub.waitForSubscriptions(1, Duration.ofSeconds(5)) && goalPub.waitForSubscriptions(1, Duration.ofSeconds(5)));
            Message odom = odomType.newMessage();
            // Robot at (1, 1) facing +y (yaw 90 deg); goal at (0, 1): 1 m away, on its left (+90 deg).
            odom.setDouble(odomType.field("pose.pose.position.x"), 1);
            odom.setDouble(odomType.field("pose.pose.position.y"), 1);
            odom.setDouble(odomType.field("pose.pose.orientation.z"), Math.sin(Math.PI / 4));
            odom.setDouble(odomType.field("pose.pose.orientation.w"), Math.cos(Math.PI / 4));
            odom.setDouble(odomType.field("twist.twist.linear.x"), 0.1);
            Message goal = poseType.newMessage();
            goal.setDouble(poseType.field("pose.position.x"), 0);
            goal.setDouble(poseType.field("pose.position.y"), 1);
            goalPub.publish(goal);
            odomPub.publish(odom);
            float[] obs = new float[3];
            awaitFresh(map, obs);
            assertEquals(1f, obs[0], 1e-6f);
            assertEquals((float) (Math.PI / 2), obs[1], 1e-6f);
            assertEquals(0.7f, obs[2], 1e-6f, "2 * 0.1 + 0.5");
            long received = System.nanoTime();
            Thread.sleep(300);
            assertEquals(0, map.read(1_000_000, System.nanoTime(), obs), "odometry older than 0.2 s: slice 0 is stale");
            assertTrue(System.nanoTime() - received > 200_000_000L);
            map.close();
        }
    }

    @Test
    void unknownFieldsAndTypesAreRefusedWhenReadOrAtConfiguration() {
        try (Node node = context.createNode("obs_bad")) {
            ParamsException e = assertThrows(ParamsException.class, () -> new ObservationMap(node, params(
                    "      - {name: v, kind: field, topic: /t/o2, type: nav_msgs/msg/Odometry, field: twist.linear.x}").observations()));
            assertTrue(e.getMessage().contains("observations[0].field nav_msgs/msg/Odometry has no field 'twist.linear.x'"), e.getMessage());
            e = assertThrows(ParamsException.class, () -> new ObservationMap(node, params(
                    "      - {name: f, kind: field, topic: /t/o3, type: nav_msgs/msg/Odometry, field: header.frame_id}").observations()));
            assertTrue(e.getMessage().contains("observations[0].field header.frame_id is string, not a single number"), e.getMessage());
            e = assertThrows(ParamsException.class, () -> new ObservationMap(node, params(
                    "      - {name: g, kind: field, topic: /t/o4, type: nav_msgs/msg/Odometer, field: x}").observations()));
            assertTrue(e.getMessage().contains("observations[0].type 'nav_msgs/msg/Odometer' is not a known message type"), e.getMessage());
        }
    }
}
