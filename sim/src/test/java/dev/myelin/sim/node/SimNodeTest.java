package dev.myelin.sim.node;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.msg.PrimitiveArray;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.task.DiffDriveNav;
import dev.myelin.sim.task.ScriptedNavigator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sim node against a controller on a second DDS participant over loopback (real Cyclone DDS):
 * the controller sees only ROS messages, computes commands with the scripted navigator and publishes
 * them on {@code cmd_vel}; the robot must reach its goal.
 */
class SimNodeTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private Context simContext;
    private Context controllerContext;
    /** A namespace of this run's own, so that another run on the same domain is not heard. */
    private final String ns = "/t" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 4);

    @BeforeEach
    void open() {
        // A domain of its own, away from other test JVMs on this machine (ports stay below 32768).
        int domain = ThreadLocalRandom.current().nextInt(101, 120);
        simContext = Context.builder().domainId(domain).localhostOnly(true).build();
        controllerContext = Context.builder().domainId(domain).localhostOnly(true).build();
    }

    @AfterEach
    void close() {
        controllerContext.close();
        simContext.close();
    }

    private static SimEnv nominal(String options) {
        return new SimEnv(Tasks.simulator(TaskSpec.of(DiffDriveNav.NAME).withOptions(options), 1));
    }

    @Test
    void aControllerOnRosDrivesTheRobotToItsGoal() throws Exception {
        SimEnv env = nominal("lidar_noise=0");
        DiffDriveNav nav = (DiffDriveNav) env.simulator();
        Node simNode = simContext.createNode("myelin_sim", ns);
        Node ctl = controllerContext.createNode("controller", ns);
        try (SimNode sim = new SimNode(simNode, env, 3, 0.5)) {
            MessageType scanType = ctl.messageType("sensor_msgs/msg/LaserScan");
            MessageType odomType = ctl.messageType("nav_msgs/msg/Odometry");
            MessageType poseType = ctl.messageType("geometry_msgs/msg/PoseStamped");
            MessageType twistType = ctl.messageType("geometry_msgs/msg/Twist");
            MessageType stringType = ctl.messageType("std_msgs/msg/String");
            MessageType clockType = ctl.context().messageTypes().define("rosgraph_msgs/msg/Clock", SimNode.CLOCK_DEFINITION);
            Subscription scanSub = ctl.createSubscription("scan", scanType, Qos.SENSOR_DATA);
            Subscription odomSub = ctl.createSubscription("odom", odomType, Qos.DEFAULT);
            Subscription goalSub = ctl.createSubscription("goal_pose", poseType, Qos.TRANSIENT_LOCAL);
            Subscription episodeSub = ctl.createSubscription("sim/episode", stringType, Qos.DEFAULT);
            Subscription clockSub = ctl.createSubscription("/clock", clockType, Qos.DEFAULT.withReliability(Qos.Reliability.BEST_EFFORT).withDepth(1));
            Publisher cmd = ctl.createPublisher("cmd_vel", twistType, Qos.DEFAULT);
            assertTrue(cmd.waitForSubscriptions(1, WAIT), "cmd_vel matched");
            assertTrue(scanSub.waitForPublications(1, WAIT) && odomSub.waitForPublications(1, WAIT)
                    && goalSub.waitForPublications(1, WAIT) && clockSub.waitForPublications(1, WAIT), "topics matched");

            Message scan = scanType.newMessage();
            Message odom = odomType.newMessage();
            Message goal = poseType.newMessage();
            Message twist = twistType.newMessage();
            Message episode = stringType.newMessage();
            Message clock = clockType.newMessage();
            // The goal was published before this subscription existed: transient-local delivers it.
            awaitTrue(goalSub::hasSample, "goal_pose delivered to a late joiner");
            goalSub.readLatest(goal);
            assertEquals(nav.goalX(0), goal.getDouble(poseType.field("pose.position.x")), 1e-12);
            assertEquals(nav.goalY(0), goal.getDouble(poseType.field("pose.position.y")), 1e-12);
            assertEquals("odom", goal.getString(poseType.field("header.frame_id")));

            ScriptedNavigator driver = ScriptedNavigator.of(nav);
            int beams = nav.lidar().beams();
            float[] obs = new float[beams + 4];
            float[] act = new float[2];
            boolean checkedScan = false;
            for (int tick = 0; tick < 500 && sim.stats().episodes() == 0; tick++) {
                sim.tick();
                if (sim.stats().episodes() > 0) {
                    break;
                }
                long stamp = sim.stampNanos();
                awaitTrue(() -> stampOf(scanSub, scan, scanType) == stamp && stampOf(odomSub, odom, odomType) == stamp,
                        "scan and odom of tick " + tick);
                // The controller's observation, built only from ROS messages.
                float rangeMax = scan.getFloat(scanType.field("range_max"));
                PrimitiveArray ranges = scan.primitives(scanType.field("ranges"));
                assertEquals(beams, ranges.size());
                for (int k = 0; k < beams; k++) {
                    float r = ranges.getFloat(k);
                    obs[k] = Float.isInfinite(r) ? rangeMax : r;
                }
                double x = odom.getDouble(odomType.field("pose.pose.position.x"));
                double y = odom.getDouble(odomType.field("pose.pose.position.y"));
                double yaw = 2 * Math.atan2(odom.getDouble(odomType.field("pose.pose.orientation.z")),
                        odom.getDouble(odomType.field("pose.pose.orientation.w")));
                double gx = goal.getDouble(poseType.field("pose.position.x")) - x;
                double gy = goal.getDouble(poseType.field("pose.position.y")) - y;
                obs[beams] = (float) Math.hypot(gx, gy);
                obs[beams + 1] = (float) Math.atan2(Math.cos(yaw) * gy - Math.sin(yaw) * gx, Math.cos(yaw) * gx + Math.sin(yaw) * gy);
                obs[beams + 2] = (float) odom.getDouble(odomType.field("twist.twist.linear.x"));
                obs[beams + 3] = (float) odom.getDouble(odomType.field("twist.twist.angular.z"));

                float[] truth = env.simulator().observations();
                for (int k = 0; k < beams + 4; k++) {
                    assertEquals(truth[k], obs[k], 2e-3, "component " + k + " at tick " + tick);
                }
                if (!checkedScan) {
                    assertEquals(-Math.PI, scan.getFloat(scanType.field("angle_min")), 1e-6);
                    assertEquals(2 * Math.PI / beams, scan.getFloat(scanType.field("angle_increment")), 1e-6);
                    assertEquals(0.1f, scan.getFloat(scanType.field("scan_time")), 1e-7);
                    assertEquals("base_scan", scan.getString(scanType.field("header.frame_id")));
                    assertEquals("base_footprint", odom.getString(odomType.field("child_frame_id")));
                    checkedScan = true;
                }

                driver.act(obs, 0, act, 0);
                twist.setDouble(twistType.field("linear.x"), act[0]);
                twist.setDouble(twistType.field("angular.z"), act[1]);
                long before = sim.commandsReceived(0);
                cmd.publish(twist);
                awaitTrue(() -> sim.commandsReceived(0) > before, "cmd_vel of tick " + tick);
            }
            assertEquals(1, sim.stats().episodes(), "the episode ended");
            assertEquals(1, sim.stats().successes(), sim.stats().toString());
            awaitTrue(episodeSub::hasSample, "episode summary published");
            episodeSub.readLatest(episode);
            String summary = episode.getString(stringType.field("data"));
            assertTrue(summary.contains("seed=3") && summary.contains("outcome=success"), summary);
            awaitTrue(clockSub::hasSample, "clock published");
            clockSub.readLatest(clock);
            long clockNanos = clock.getLong(clockType.field("clock.sec")) * 1_000_000_000L + clock.getLong(clockType.field("clock.nanosec"));
            assertEquals(sim.stampNanos(), clockNanos, 1_000_000, "clock carries the simulated time");
            assertEquals(0, sim.invalidCommands());
        }
    }

    @Test
    void silentOrInvalidCommandsStopTheRobot() throws Exception {
        SimEnv env = nominal("obstacles=0");
        DiffDriveNav nav = (DiffDriveNav) env.simulator();
        Node simNode = simContext.createNode("myelin_sim", ns);
        Node ctl = controllerContext.createNode("controller", ns);
        try (SimNode sim = new SimNode(simNode, env, 1, 0.3)) {
            MessageType twistType = ctl.messageType("geometry_msgs/msg/Twist");
            Publisher cmd = ctl.createPublisher("cmd_vel", twistType, Qos.DEFAULT);
            assertTrue(cmd.waitForSubscriptions(1, WAIT));
            double x0 = nav.robotX(0);
            double y0 = nav.robotY(0);
            for (int i = 0; i < 5; i++) {
                sim.tick();
            }
            assertEquals(x0, nav.robotX(0), 0.0, "no command yet: the robot stays");
            Message twist = twistType.newMessage();
            twist.setDouble(twistType.field("linear.x"), 0.2);
            cmd.publish(twist);
            awaitTrue(() -> sim.commandsReceived(0) == 1, "command arrived");
            for (int i = 0; i < 3; i++) {
                sim.tick();
            }
            assertTrue(Math.hypot(nav.robotX(0) - x0, nav.robotY(0) - y0) > 0.01, "the command moved it");
            // Silence: after 0.3 s of simulated time the watchdog stops the robot.
            for (int i = 0; i < 20; i++) {
                sim.tick();
            }
            assertTrue(sim.staleCommands() > 0);
            assertEquals(0.0, nav.robotLinearVelocity(0), 1e-3, "stopped after the command went stale");
            twist.setDouble(twistType.field("linear.x"), Double.NaN);
            cmd.publish(twist);
            awaitTrue(() -> sim.commandsReceived(0) == 2, "second command arrived");
            sim.tick();
            assertEquals(1, sim.invalidCommands());
        }
    }

    @Test
    void runPacesTicksAtTheRealTimeFactor() {
        SimEnv env = nominal("obstacles=0");
        Node simNode = simContext.createNode("myelin_sim", ns);
        try (SimNode sim = new SimNode(simNode, env, 1, 0.5)) {
            long start = System.nanoTime();
            // 20 ticks of 0.1 s at 10x real time: 0.2 s of wall time.
            sim.run(10, () -> sim.ticks() < 20);
            double wall = (System.nanoTime() - start) / 1e9;
            assertEquals(20, sim.ticks());
            assertEquals(2.0, sim.simTime(), 1e-9);
            assertTrue(wall >= 0.18, "paced, not free-running: " + wall + " s");
        }
    }

    @Test
    void aTickAllocatesNothingOnceWarm() {
        SimEnv env = nominal("max_steps=100000");
        Node simNode = simContext.createNode("myelin_sim", ns);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (SimNode sim = new SimNode(simNode, env, 1, 0.5)) {
            for (int i = 0; i < 3_000; i++) {
                sim.tick();
            }
            String seen = "";
            boolean clean = false;
            // As in AllocationTest: the VM may allocate by itself while the JIT settles; one clean window proves it.
            for (int w = 0; w < 6 && !clean; w++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 2_000; i++) {
                    sim.tick();
                }
                long bytes = threads.getCurrentThreadAllocatedBytes() - before;
                seen += " " + bytes;
                clean = bytes == 0;
            }
            assertTrue(clean, "bytes allocated per 2000 ticks (publishing scan, odom, clock):" + seen);
            assertEquals(0, sim.stats().episodes());
        }
    }

    private static long stampOf(Subscription sub, Message into, MessageType type) {
        if (sub.readLatest(into) == Subscription.NO_SAMPLE) {
            return -1;
        }
        return into.getLong(type.field("header.stamp.sec")) * 1_000_000_000L + into.getLong(type.field("header.stamp.nanosec"));
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(0, 200_000);
        }
    }
}
