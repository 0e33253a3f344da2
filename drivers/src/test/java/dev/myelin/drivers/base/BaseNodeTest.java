package dev.myelin.drivers.base;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.pwm.Pwm;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The base node on Pi4J's mock platform against a controller on a second DDS participant (real Cyclone DDS). */
class BaseNodeTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final long MS = 1_000_000L;

    private final Context pi4j = MockBoard.context();
    private final int domain = ThreadLocalRandom.current().nextInt(121, 140);
    private final dev.myelin.ros2.Context baseContext = dev.myelin.ros2.Context.builder().domainId(domain).localhostOnly(true).build();
    private final dev.myelin.ros2.Context ctlContext = dev.myelin.ros2.Context.builder().domainId(domain).localhostOnly(true).build();
    private final String ns = "/b" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 4);

    @AfterEach
    void close() {
        ctlContext.close();
        baseContext.close();
        pi4j.shutdown();
    }

    /** The base's I/O on the mock board with the e-stop released. */
    private BaseHardware released(BaseParams p) {
        BaseHardware hw = new BaseHardware(pi4j, p);
        ((MockDigitalInput) hw.estopInput).mockState(DigitalState.HIGH);
        return hw;
    }

    /** Ticks the base until {@code done} holds or the wait runs out; returns whether it held. */
    private static boolean tickUntil(BaseNode base, long[] clock, java.util.function.BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            clock[0] += 20 * MS;
            base.tick(clock[0]);
            if (done.getAsBoolean()) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    @Test
    void cmdVelDrivesTheMotorsOdomAndEstopArePublishedAndSilenceStops() throws Exception {
        BaseParams p = BaseHardwareTest.params();
        BaseHardware hw = new BaseHardware(pi4j, p);
        MockDigitalInput estopPin = (MockDigitalInput) hw.estopInput;
        estopPin.mockState(DigitalState.HIGH);  // released
        Node baseNode = baseContext.createNode("base", ns);
        Node ctl = ctlContext.createNode("controller", ns);
        MessageType twistType = ctl.messageType("geometry_msgs/msg/Twist");
        MessageType odomType = ctl.messageType("nav_msgs/msg/Odometry");
        MessageType boolType = ctl.messageType("std_msgs/msg/Bool");
        Pwm left = pi4j.io("motor-left-pwm");
        long[] clock = {0};
        try (BaseNode base = new BaseNode(baseNode, hw, null, p)) {
            Publisher cmd = ctl.createPublisher("cmd_vel", twistType, Qos.DEFAULT);
            Subscription odomSub = ctl.createSubscription("odom", odomType, Qos.DEFAULT);
            Subscription estopSub = ctl.createSubscription("estop", boolType, Qos.TRANSIENT_LOCAL);
            assertTrue(cmd.waitForSubscriptions(1, WAIT) && odomSub.waitForPublications(1, WAIT)
                    && estopSub.waitForPublications(1, WAIT), "topics matched");
            Message twist = twistType.newMessage();
            twist.setDouble(twistType.field("linear.x"), 0.33);
            cmd.publish(twist);
            assertTrue(tickUntil(base, clock, () -> left.isOn() && left.dutyCycle() == 45), "cmd_vel reached the motors");

            Message estop = boolType.newMessage();
            assertTrue(tickUntil(base, clock, () -> estopSub.readLatest(estop) != Subscription.NO_SAMPLE), "estop published");
            assertFalse(estop.getBoolean(boolType.field("data")));

            Message odom = odomType.newMessage();
            assertTrue(tickUntil(base, clock, () -> odomSub.readLatest(odom) != Subscription.NO_SAMPLE), "odom published");
            assertEquals(p.baseFrame(), odom.getString(odomType.field("child_frame_id")));
            assertTransformsFollowOdometry(base, clock, p, ctl);

            // no further cmd_vel: after 0.5 s of (base) time the motors stop
            assertTrue(tickUntil(base, clock, () -> !left.isOn()), "silence stopped the motors");
            assertEquals(1, hw.motors.silenceStops());

            // e-stop pressed: motors stay off even while commands arrive, and the topic says so
            cmd.publish(twist);
            assertTrue(tickUntil(base, clock, left::isOn), "driving again");
            estopPin.mockState(DigitalState.LOW);
            assertTrue(tickUntil(base, clock, () -> estopSub.readLatest(estop) != Subscription.NO_SAMPLE
                    && estop.getBoolean(boolType.field("data"))), "estop engaged on the topic");
            assertFalse(left.isOn(), "e-stop stopped the motors");
            cmd.publish(twist);
            for (int i = 0; i < 20; i++) {
                clock[0] += 20 * MS;
                base.tick(clock[0]);
                Thread.sleep(2);
            }
            assertFalse(left.isOn(), "commands are ignored while the e-stop is engaged");
        }
    }

    /** {@code /tf_static} names the sensor frames; {@code /tf} carries the odometry pose with its stamp. */
    private static void assertTransformsFollowOdometry(BaseNode base, long[] clock, BaseParams p, Node ctl) throws Exception {
        MessageType tfType = ctl.messageType("tf2_msgs/msg/TFMessage");
        Subscription tfSub = ctl.createSubscription("/tf", tfType, Qos.DEFAULT);
        Subscription staticSub = ctl.createSubscription("/tf_static", tfType, Qos.TRANSIENT_LOCAL);
        Message statics = tfType.newMessage();
        assertTrue(tickUntil(base, clock, () -> staticSub.readLatest(statics) != Subscription.NO_SAMPLE), "tf_static published");
        var list = statics.messages(tfType.field("transforms"));
        assertEquals(2, list.size());
        MessageType stamped = tfType.field("transforms").messageType();
        assertEquals(p.baseFrame(), list.get(0).getString(stamped.field("header.frame_id")));
        assertEquals(p.tf().laser(), list.get(0).getString(stamped.field("child_frame_id")));
        assertEquals(p.imuFrame(), list.get(1).getString(stamped.field("child_frame_id")));
        assertEquals(p.tf().imuMount().z(), list.get(1).getDouble(stamped.field("transform.translation.z")));

        Message tf = tfType.newMessage();
        assertTrue(tickUntil(base, clock, () -> tfSub.readLatest(tf) != Subscription.NO_SAMPLE), "tf published");
        // after the last cycle, the latest /tf and odom are of the same cycle: same stamp, same pose
        Thread.sleep(200);
        MessageType odomType = ctl.messageType("nav_msgs/msg/Odometry");
        Subscription odomSub = ctl.createSubscription("odom", odomType, Qos.DEFAULT);
        assertTrue(odomSub.waitForPublications(1, WAIT));
        Message odom = odomType.newMessage();
        assertTrue(tickUntil(base, clock, () -> odomSub.readLatest(odom) != Subscription.NO_SAMPLE), "odom published");
        Thread.sleep(200);
        odomSub.readLatest(odom);
        tfSub.readLatest(tf);
        Message t = tf.messages(tfType.field("transforms")).get(0);
        assertEquals(p.odomFrame(), t.getString(stamped.field("header.frame_id")));
        assertEquals(p.baseFrame(), t.getString(stamped.field("child_frame_id")));
        for (String f : new String[] {"header.stamp.sec", "header.stamp.nanosec"}) {
            assertEquals(odom.getLong(odomType.field(f)), t.getLong(stamped.field(f)), f);
        }
        assertEquals(odom.getDouble(odomType.field("pose.pose.position.x")), t.getDouble(stamped.field("transform.translation.x")));
        assertEquals(odom.getDouble(odomType.field("pose.pose.position.y")), t.getDouble(stamped.field("transform.translation.y")));
        assertEquals(odom.getDouble(odomType.field("pose.pose.orientation.z")), t.getDouble(stamped.field("transform.rotation.z")));
        assertEquals(odom.getDouble(odomType.field("pose.pose.orientation.w")), t.getDouble(stamped.field("transform.rotation.w")));
        odomSub.close();
        tfSub.close();
        staticSub.close();
    }

    @Test
    void imuSamplesArePublishedScaledAndBiasCorrected() throws Exception {
        BaseParams p = BaseHardwareTest.params();
        BaseHardware hw = new BaseHardware(pi4j, p);
        ((MockDigitalInput) hw.estopInput).mockState(DigitalState.HIGH);
        hw.imuDevice.writeRegister(Mpu6050.WHO_AM_I, (byte) 0x68);
        // calibration_samples: 4 at rest (gyro z bias of 1 deg/s), then samples with the base turning at 10 deg/s about z
        for (int k = 0; k < 4 + 200; k++) {
            int gz = k < 4 ? 131 : 131 * 11;
            byte[] b = new byte[14];
            int[] words = {0, 0, 16384, 0, 0, 0, gz};
            for (int i = 0; i < 7; i++) {
                b[2 * i] = (byte) (words[i] >> 8);
                b[2 * i + 1] = (byte) words[i];
            }
            hw.imuDevice.writeRegister(Mpu6050.ACCEL_XOUT_H, b, 0, 14);
        }
        Mpu6050 imu = hw.startImu();
        Node baseNode = baseContext.createNode("base", ns);
        Node ctl = ctlContext.createNode("controller", ns);
        MessageType imuType = ctl.messageType("sensor_msgs/msg/Imu");
        long[] clock = {0};
        try (BaseNode base = new BaseNode(baseNode, hw, imu, p)) {
            Subscription imuSub = ctl.createSubscription("imu", imuType, Qos.SENSOR_DATA);
            assertTrue(imuSub.waitForPublications(1, WAIT), "imu matched");
            Message m = imuType.newMessage();
            assertTrue(tickUntil(base, clock, () -> imuSub.readLatest(m) != Subscription.NO_SAMPLE), "imu published");
            assertEquals(Math.toRadians(10), m.getDouble(imuType.field("angular_velocity.z")), 1e-9);
            assertEquals(9.80665, m.getDouble(imuType.field("linear_acceleration.z")), 1e-9);
            assertEquals(0, m.getDouble(imuType.field("linear_acceleration.x")), 1e-12);
            assertEquals(-1.0, m.primitives(imuType.field("orientation_covariance")).getDouble(0), 0,
                    "no orientation estimate (REP 145)");
            assertEquals(p.imuFrame(), m.getString(imuType.field("header.frame_id")));
        }
    }

    /** The loop keeps its rate's schedule: 20 cycles take at least 19 periods, then it stops when asked. */
    @Test
    void runTicksOnTheFixedRateUntilAskedToStop() throws Exception {
        BaseParams p = BaseHardwareTest.params();
        BaseHardware hw = released(p);
        Node baseNode = baseContext.createNode("base", ns);
        try (BaseNode base = new BaseNode(baseNode, hw, null, p)) {
            long start = System.nanoTime();
            long missed = base.run(200, () -> base.ticks() < 20);
            long elapsed = System.nanoTime() - start;
            assertEquals(20, base.ticks());
            assertTrue(elapsed >= (19 + missed) * 5 * MS, "paced at 200 Hz, no catch-up burst: " + elapsed + " ns");
            assertThrows(IllegalArgumentException.class, () -> base.run(0, () -> true));
        }
    }

    /** {@code ./myelin base}: runs until interrupted, says how many cycles it ran, leaves the motors stopped. */
    @Test
    void theRunnerRunsTheBaseUntilInterrupted() throws Exception {
        BaseParams p = BaseHardwareTest.params();
        Node baseNode = baseContext.createNode("base", ns);
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8);
        long[] cycles = {-1};
        Thread t = Thread.ofPlatform().start(() -> cycles[0] = BaseRunner.run(baseNode, pi4j, p, false, out));
        long end = System.nanoTime() + WAIT.toNanos();
        while (!buf.toString(java.nio.charset.StandardCharsets.UTF_8).contains("running at") && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        Thread.sleep(200);
        t.interrupt();
        t.join(WAIT.toMillis());
        assertFalse(t.isAlive(), "stopped on interrupt");
        String text = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.contains("base: " + baseNode.fullyQualifiedName() + " running at " + Math.round(p.rateHz()) + " Hz"), text);
        assertTrue(cycles[0] > 0, text);
        assertTrue(text.contains("base: stopped after " + cycles[0] + " cycles"), text);
        assertFalse(((Pwm) pi4j.io("motor-left-pwm")).isOn(), "motors stopped");
    }

    @Test
    void aBaseCycleAllocatesNothingOnceRunning() throws Exception {
        BaseParams p = BaseHardwareTest.params();
        BaseHardware hw = released(p);
        Node baseNode = baseContext.createNode("base", ns);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (BaseNode base = new BaseNode(baseNode, hw, null, p)) {
            long t = 0;
            long allocated = -1;
            for (int block = 0; block < 30 && allocated != 0; block++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 2000; i++) {
                    t += 20 * MS;
                    hw.motors.command(0.1 * (i % 5), 0.3, t);  // what a cmd_vel sample does to the motors
                    base.tick(t);
                }
                allocated = mx.getCurrentThreadAllocatedBytes() - before;
            }
            assertEquals(0, allocated, "bytes allocated by 2000 base cycles (motors, odometry, odom publish)");
        }
    }
}
