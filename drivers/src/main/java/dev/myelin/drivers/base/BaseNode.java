package dev.myelin.drivers.base;

import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.RosoutLogger;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.msg.Field;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.tf.TfBroadcaster;

import dev.myelin.ros2.time.FixedRate;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The robot base as a ROS 2 node, so the controller stays hardware-agnostic:
 * <ul>
 *   <li>subscribes {@code cmd_vel} ({@code geometry_msgs/Twist}: linear.x, angular.z) and drives the
 *       motors; silence longer than the command timeout stops them; an engaged e-stop stops them and
 *       commands are ignored until it is released;</li>
 *   <li>publishes {@code odom} ({@code nav_msgs/Odometry}) from the wheel encoders, {@code imu}
 *       ({@code sensor_msgs/Imu}: rates and accelerations; orientation unknown, covariance[0] = -1 as
 *       REP 145 asks) and {@code estop} ({@code std_msgs/Bool}, latched, on every debounced change);</li>
 *   <li>broadcasts {@code odom → base} on {@code /tf} with every odometry update, and
 *       {@code base → laser/imu} on {@code /tf_static} once, frames and mounts from the parameters;</li>
 *   <li>logs e-stop changes on {@code /rosout}.</li>
 * </ul>
 * {@link #tick} runs the read, update, write cycle once and allocates nothing once running; {@link #run}
 * calls it on one thread at the parameter file's rate.
 */
public final class BaseNode implements AutoCloseable {
    private final BaseHardware hw;
    private final Mpu6050 imu;
    private final WheelOdometry odometry;
    private final EStop estop;
    private final Subscription cmdVel;
    private final Publisher odomPub;
    private final Publisher imuPub;
    private final Publisher estopPub;
    private final TfBroadcaster tf;
    private final RosoutLogger log;
    private final Message twist;
    private final Message odom;
    private final Message imuMsg;
    private final Message estopMsg;
    private final Field twistV;
    private final Field twistW;
    private final Field odomSec;
    private final Field odomNsec;
    private final Field odomX;
    private final Field odomY;
    private final Field odomQz;
    private final Field odomQw;
    private final Field odomV;
    private final Field odomW;
    private final Field imuSec;
    private final Field imuNsec;
    private final Field[] imuRate = new Field[3];
    private final Field[] imuAccel = new Field[3];
    private final Field estopData;
    private final long epochOffsetNanos;
    private long lastCommandStamp = Subscription.NO_SAMPLE;
    private long ticks;

    /** @param imu the started IMU ({@link BaseHardware#startImu()}), or null for a base without one */
    public BaseNode(Node node, BaseHardware hw, Mpu6050 imu, BaseParams p) {
        this.hw = hw;
        this.imu = imu;
        odometry = new WheelOdometry(p.geometry(), p.ticksPerRevolution());
        estop = new EStop(p.estopActiveHigh(), (long) (p.estopDebounce() * 1e9));
        MessageType twistType = node.messageType("geometry_msgs/msg/Twist");
        MessageType odomType = node.messageType("nav_msgs/msg/Odometry");
        MessageType imuType = node.messageType("sensor_msgs/msg/Imu");
        MessageType boolType = node.messageType("std_msgs/msg/Bool");
        cmdVel = node.createSubscription("cmd_vel", twistType, Qos.DEFAULT);
        odomPub = node.createPublisher("odom", odomType, Qos.DEFAULT);
        imuPub = imu == null ? null : node.createPublisher("imu", imuType, Qos.SENSOR_DATA);
        estopPub = node.createPublisher("estop", boolType, Qos.TRANSIENT_LOCAL);
        twist = twistType.newMessage();
        twistV = twistType.field("linear.x");
        twistW = twistType.field("angular.z");
        odom = odomType.newMessage();
        odom.setString(odomType.field("header.frame_id"), p.odomFrame());
        odom.setString(odomType.field("child_frame_id"), p.baseFrame());
        odomSec = odomType.field("header.stamp.sec");
        odomNsec = odomType.field("header.stamp.nanosec");
        odomX = odomType.field("pose.pose.position.x");
        odomY = odomType.field("pose.pose.position.y");
        odomQz = odomType.field("pose.pose.orientation.z");
        odomQw = odomType.field("pose.pose.orientation.w");
        odomV = odomType.field("twist.twist.linear.x");
        odomW = odomType.field("twist.twist.angular.z");
        imuMsg = imuType.newMessage();
        imuMsg.setString(imuType.field("header.frame_id"), p.imuFrame());
        imuMsg.primitives(imuType.field("orientation_covariance")).setDouble(0, -1.0);
        imuSec = imuType.field("header.stamp.sec");
        imuNsec = imuType.field("header.stamp.nanosec");
        String[] axes = {"x", "y", "z"};
        for (int i = 0; i < 3; i++) {
            imuRate[i] = imuType.field("angular_velocity." + axes[i]);
            imuAccel[i] = imuType.field("linear_acceleration." + axes[i]);
        }
        estopMsg = boolType.newMessage();
        estopData = boolType.field("data");
        epochOffsetNanos = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
        tf = new TfBroadcaster(node, List.of(p.tf()), epochOffsetNanos + System.nanoTime());
        log = node.logger();
    }

    /** One cycle at {@code nowNanos} ({@link System#nanoTime()}): read inputs, update, write motors and topics. */
    public void tick(long nowNanos) {
        if (estop.sample(hw.estopInput.isHigh(), nowNanos)) {
            estopMsg.setBoolean(estopData, estop.engaged());
            estopPub.publish(estopMsg);
            if (estop.engaged()) {
                log.warn("e-stop engaged: motors stopped, commands ignored");
            } else {
                log.info("e-stop released");
            }
        }
        long stamp = cmdVel.readLatest(twist);
        if (stamp != Subscription.NO_SAMPLE && stamp != lastCommandStamp) {
            lastCommandStamp = stamp;
            if (!estop.engaged()) {
                hw.motors.command(twist.getDouble(twistV), twist.getDouble(twistW), nowNanos);
            }
        }
        if (estop.engaged()) {
            if (!hw.motors.stopped()) {
                hw.motors.stop();
            }
        } else {
            hw.motors.checkSilence(nowNanos);
        }

        long epoch = epochOffsetNanos + nowNanos;
        int sec = (int) (epoch / 1_000_000_000L);
        int nsec = (int) (epoch % 1_000_000_000L);
        odometry.update(hw.leftEncoder.ticks(), hw.rightEncoder.ticks(), nowNanos);
        odom.setLong(odomSec, sec);
        odom.setLong(odomNsec, nsec);
        odom.setDouble(odomX, odometry.x());
        odom.setDouble(odomY, odometry.y());
        odom.setDouble(odomQz, Math.sin(odometry.theta() / 2));
        odom.setDouble(odomQw, Math.cos(odometry.theta() / 2));
        odom.setDouble(odomV, odometry.linearVelocity());
        odom.setDouble(odomW, odometry.angularVelocity());
        odomPub.publish(odom);
        tf.set(0, odometry.x(), odometry.y(), odometry.theta());
        tf.publish(epoch);

        if (imu != null) {
            imu.read();
            imuMsg.setLong(imuSec, sec);
            imuMsg.setLong(imuNsec, nsec);
            for (int i = 0; i < 3; i++) {
                imuMsg.setDouble(imuRate[i], imu.gyro(i));
                imuMsg.setDouble(imuAccel[i], imu.accel(i));
            }
            imuPub.publish(imuMsg);
        }
        ticks++;
    }

    public long ticks() {
        return ticks;
    }

    /**
     * Ticks at {@code rateHz} on a {@link FixedRate} schedule (absolute deadlines; an overrun skips whole
     * periods rather than bursting to catch up) until {@code keepGoing} says stop or the thread is interrupted.
     * Calling thread.
     *
     * @return the periods skipped because a cycle overran
     */
    public long run(double rateHz, BooleanSupplier keepGoing) {
        if (!(rateHz > 0) || Double.isInfinite(rateHz)) {
            throw new IllegalArgumentException("base rate must be finite and > 0 Hz, got " + rateHz);
        }
        FixedRate rate = new FixedRate((long) (1e9 / rateHz), System.nanoTime());
        while (keepGoing.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
            tick(System.nanoTime());
            rate.sleep();
        }
        return rate.missed();
    }

    public WheelOdometry odometry() {
        return odometry;
    }

    public boolean estopEngaged() {
        return estop.engaged();
    }

    /** Stops the motors and closes the topics. */
    @Override
    public void close() {
        hw.motors.stop();
        cmdVel.close();
        odomPub.close();
        if (imuPub != null) {
            imuPub.close();
        }
        estopPub.close();
        tf.close();
    }
}
