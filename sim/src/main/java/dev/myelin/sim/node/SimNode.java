package dev.myelin.sim.node;

import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.msg.Field;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageArray;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.msg.PrimitiveArray;
import dev.myelin.sim.EpisodeStats;
import dev.myelin.sim.Outcome;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.Transition;
import dev.myelin.sim.task.DiffDriveNav;
import dev.myelin.sim.task.Lidar;

import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Simulated differential-drive robots on ROS 2, so that a controller drives them exactly as it
 * would a real base. Per robot (topics under {@code robot_<i>/} when there are several):
 * <ul>
 * <li>publishes {@code scan} ({@code sensor_msgs/LaserScan}, sensor-data QoS; no return is +Inf as
 *     REP 117 asks), {@code odom} ({@code nav_msgs/Odometry}: pose dead-reckoned from the wheel
 *     odometry with the nominal geometry, as a real base does, starting at the true start pose) and
 *     {@code goal_pose} ({@code geometry_msgs/PoseStamped}, reliable and transient-local so late
 *     joiners get the current goal), all in frame {@code odom};</li>
 * <li>subscribes {@code cmd_vel} ({@code geometry_msgs/Twist}): linear.x and angular.z are the
 *     action; a command older than the command timeout (simulated time) or non-finite counts as a
 *     stop, like a base controller's watchdog.</li>
 * </ul>
 * It also publishes {@code /tf} ({@code tf2_msgs/TFMessage}, the transform {@code odom} to {@code base_footprint} of
 * every robot from the same dead-reckoned pose, as a base driver does), {@code /clock} ({@code rosgraph_msgs/Clock}) with the simulated time every step,
 * {@code reward} ({@code std_msgs/Float32}, per robot) with the reward of the step just taken, published
 * right after that step's {@code scan} and {@code odom} (a controller recording experience pairs it with
 * the action it sent before), and {@code sim/episode} ({@code std_msgs/String}) when an episode ends,
 * after which a new one starts.
 * Stamps are the wall-clock time at start plus simulated time, so at real-time factor 1 they track the
 * wall clock and faster runs are consistent with {@code /clock}.
 *
 * <p>{@link #tick()} advances one control period; {@link #run} paces ticks at the real-time factor
 * with absolute deadlines, skipping (and counting) whole periods on overrun instead of bursting.
 * A tick allocates nothing once the message buffers have their sizes, except the summary string of
 * an episode that ends. One thread drives a node.
 */
public final class SimNode implements AutoCloseable {
    /** rosgraph_msgs/msg/Clock, defined here because it is not among the shipped types. */
    static final String CLOCK_DEFINITION = "builtin_interfaces/Time clock\n";

    private final Node node;
    private final SimEnv env;
    private final DiffDriveNav nav;
    private final int robots;
    private final int observationSize;
    private final int beams;
    private final double period;
    private final double commandTimeout;
    private final Lidar lidar;

    private final Publisher[] scanPublishers;
    private final Publisher[] odomPublishers;
    private final Publisher[] goalPublishers;
    private final Publisher[] rewardPublishers;
    private final Subscription[] commandSubscriptions;
    private final Publisher clockPublisher;
    private final Publisher episodePublisher;
    private final Publisher tfPublisher;
    private final Message tf;
    private final MessageArray tfTransforms;
    private final Field tfStampSec;
    private final Field tfStampNsec;
    private final Field tfX;
    private final Field tfY;
    private final Field tfQz;
    private final Field tfQw;

    private final Message[] scans;
    private final Message[] odoms;
    private final Message[] goals;
    private final Message[] twists;
    private final Message[] rewards;
    private final Field rewardData;
    private final Message clock;
    private final Message episode;

    private final Field scanStampSec;
    private final Field scanStampNsec;
    private final Field scanRanges;
    private final Field odomStampSec;
    private final Field odomStampNsec;
    private final Field odomX;
    private final Field odomY;
    private final Field odomQz;
    private final Field odomQw;
    private final Field odomV;
    private final Field odomW;
    private final Field goalStampSec;
    private final Field goalStampNsec;
    private final Field goalX;
    private final Field goalY;
    private final Field twistV;
    private final Field twistW;
    private final Field clockSec;
    private final Field clockNsec;
    private final Field episodeText;

    private final float[] action;
    private final long[] commandsSeen;
    private final double[] lastCommandTime;
    private final double[] poseX;
    private final double[] poseY;
    private final double[] poseYaw;

    private final long startEpochNanos;
    private long nextSeed;
    private double simTime;
    private long ticks;
    private long invalidCommands;
    private long staleCommands;
    private long overruns;
    private Transition last;

    /**
     * @param node           the ROS node the topics belong to
     * @param env            a one-world env of {@code diffdrive-nav} or {@code multi-diffdrive}
     * @param seed           seed of the first episode (each later one adds 1)
     * @param commandTimeout seconds of simulated time after which a silent {@code cmd_vel} means stop
     */
    public SimNode(Node node, SimEnv env, long seed, double commandTimeout) {
        this(node, env, seed, commandTimeout, Qos.SENSOR_DATA);
    }

    /**
     * As above, publishing {@code scan} with {@code scanQos} ({@link Qos#SENSOR_DATA}, best effort, is the
     * convention for simulated and many real lidars; reliable lets reliable subscribers match too).
     */
    public SimNode(Node node, SimEnv env, long seed, double commandTimeout, Qos scanQos) {
        if (!(env.simulator() instanceof DiffDriveNav d)) {
            throw new IllegalArgumentException("the sim node drives the navigation tasks (diffdrive-nav, "
                    + "multi-diffdrive), not " + env.task());
        }
        if (!(commandTimeout > 0)) {
            throw new IllegalArgumentException("command timeout must be > 0 s, got " + commandTimeout);
        }
        this.node = node;
        this.env = env;
        this.nav = d;
        this.robots = env.agents();
        this.observationSize = env.observationSpace().size();
        this.lidar = d.lidar();
        this.beams = lidar.beams();
        this.period = env.controlPeriod();
        this.commandTimeout = commandTimeout;
        this.nextSeed = seed;

        MessageType scanType = node.messageType("sensor_msgs/msg/LaserScan");
        MessageType odomType = node.messageType("nav_msgs/msg/Odometry");
        MessageType poseType = node.messageType("geometry_msgs/msg/PoseStamped");
        MessageType twistType = node.messageType("geometry_msgs/msg/Twist");
        MessageType clockType = node.context().messageTypes().define("rosgraph_msgs/msg/Clock", CLOCK_DEFINITION);
        MessageType stringType = node.messageType("std_msgs/msg/String");

        scanPublishers = new Publisher[robots];
        odomPublishers = new Publisher[robots];
        goalPublishers = new Publisher[robots];
        rewardPublishers = new Publisher[robots];
        rewards = new Message[robots];
        MessageType float32Type = node.messageType("std_msgs/msg/Float32");
        rewardData = float32Type.field("data");
        commandSubscriptions = new Subscription[robots];
        scans = new Message[robots];
        odoms = new Message[robots];
        goals = new Message[robots];
        twists = new Message[robots];
        for (int r = 0; r < robots; r++) {
            String prefix = robots == 1 ? "" : "robot_" + r + "/";
            scanPublishers[r] = node.createPublisher(prefix + "scan", scanType, scanQos);
            odomPublishers[r] = node.createPublisher(prefix + "odom", odomType, Qos.DEFAULT);
            goalPublishers[r] = node.createPublisher(prefix + "goal_pose", poseType, Qos.TRANSIENT_LOCAL);
            commandSubscriptions[r] = node.createSubscription(prefix + "cmd_vel", twistType, Qos.DEFAULT);
            rewardPublishers[r] = node.createPublisher(prefix + "reward", float32Type, Qos.DEFAULT);
            rewards[r] = float32Type.newMessage();
            String framePrefix = robots == 1 ? "" : "robot_" + r + "/";
            scans[r] = scanType.newMessage();
            scans[r].setString(scanType.field("header.frame_id"), framePrefix + "base_scan");
            scans[r].setFloat(scanType.field("angle_min"), (float) lidar.angleMin());
            scans[r].setFloat(scanType.field("angle_max"), (float) lidar.angleMax());
            scans[r].setFloat(scanType.field("angle_increment"), (float) lidar.angleIncrement());
            scans[r].setFloat(scanType.field("time_increment"), 0f);
            scans[r].setFloat(scanType.field("scan_time"), (float) period);
            scans[r].setFloat(scanType.field("range_min"), (float) lidar.rangeMin());
            scans[r].setFloat(scanType.field("range_max"), (float) lidar.rangeMax());
            scans[r].primitives(scanType.field("ranges")).resize(beams);
            odoms[r] = odomType.newMessage();
            odoms[r].setString(odomType.field("header.frame_id"), framePrefix + "odom");
            odoms[r].setString(odomType.field("child_frame_id"), framePrefix + "base_footprint");
            goals[r] = poseType.newMessage();
            goals[r].setString(poseType.field("header.frame_id"), framePrefix + "odom");
            goals[r].setDouble(poseType.field("pose.orientation.w"), 1.0);
            twists[r] = twistType.newMessage();
        }
        // Reliable keep-last 1: matches best-effort (rclcpp's ClockQoS) and reliable subscribers alike.
        clockPublisher = node.createPublisher("/clock", clockType, Qos.DEFAULT.withDepth(1));
        episodePublisher = node.createPublisher("sim/episode", stringType, Qos.DEFAULT);
        clock = clockType.newMessage();
        MessageType tfType = node.messageType("tf2_msgs/msg/TFMessage");
        MessageType transformType = node.messageType("geometry_msgs/msg/TransformStamped");
        tfPublisher = node.createPublisher("/tf", tfType, Qos.DEFAULT.withDepth(100));
        tf = tfType.newMessage();
        MessageArray transforms = tf.messages(tfType.field("transforms"));
        transforms.resize(robots);
        for (int r = 0; r < robots; r++) {
            String framePrefix = robots == 1 ? "" : "robot_" + r + "/";
            transforms.get(r).setString(transformType.field("header.frame_id"), framePrefix + "odom");
            transforms.get(r).setString(transformType.field("child_frame_id"), framePrefix + "base_footprint");
        }
        tfStampSec = transformType.field("header.stamp.sec");
        tfStampNsec = transformType.field("header.stamp.nanosec");
        tfX = transformType.field("transform.translation.x");
        tfY = transformType.field("transform.translation.y");
        tfQz = transformType.field("transform.rotation.z");
        tfQw = transformType.field("transform.rotation.w");
        tfTransforms = transforms;
        episode = stringType.newMessage();

        scanStampSec = scanType.field("header.stamp.sec");
        scanStampNsec = scanType.field("header.stamp.nanosec");
        scanRanges = scanType.field("ranges");
        odomStampSec = odomType.field("header.stamp.sec");
        odomStampNsec = odomType.field("header.stamp.nanosec");
        odomX = odomType.field("pose.pose.position.x");
        odomY = odomType.field("pose.pose.position.y");
        odomQz = odomType.field("pose.pose.orientation.z");
        odomQw = odomType.field("pose.pose.orientation.w");
        odomV = odomType.field("twist.twist.linear.x");
        odomW = odomType.field("twist.twist.angular.z");
        goalStampSec = poseType.field("header.stamp.sec");
        goalStampNsec = poseType.field("header.stamp.nanosec");
        goalX = poseType.field("pose.position.x");
        goalY = poseType.field("pose.position.y");
        twistV = twistType.field("linear.x");
        twistW = twistType.field("angular.z");
        clockSec = clockType.field("clock.sec");
        clockNsec = clockType.field("clock.nanosec");
        episodeText = stringType.field("data");

        action = new float[2 * robots];
        commandsSeen = new long[robots];
        lastCommandTime = new double[robots];
        poseX = new double[robots];
        poseY = new double[robots];
        poseYaw = new double[robots];
        startEpochNanos = System.currentTimeMillis() * 1_000_000L;
        startEpisode();
    }

    /** The env being simulated (read it between ticks, on the driving thread). */
    public SimEnv env() {
        return env;
    }

    /** Simulated seconds since the node started. */
    public double simTime() {
        return simTime;
    }

    /** Ticks taken. */
    public long ticks() {
        return ticks;
    }

    /** {@code cmd_vel} samples received by robot {@code r}'s subscription. */
    public long commandsReceived(int r) {
        return commandSubscriptions[r].receivedCount();
    }

    /** Commands refused because a component was not finite (treated as stop). */
    public long invalidCommands() {
        return invalidCommands;
    }

    /** Ticks on which a robot's last command was older than the timeout (treated as stop). */
    public long staleCommands() {
        return staleCommands;
    }

    /** Whole control periods skipped by {@link #run} because a tick overran its deadline. */
    public long overruns() {
        return overruns;
    }

    /** Episode counters. */
    public EpisodeStats stats() {
        return env.stats();
    }

    /** The stamp the messages of the current state carry, in nanoseconds since the epoch. */
    public long stampNanos() {
        return startEpochNanos + Math.round(simTime * 1e9);
    }

    /** Advances one control period: reads commands, steps, publishes; starts a new episode after an end. */
    public void tick() {
        for (int r = 0; r < robots; r++) {
            Subscription sub = commandSubscriptions[r];
            long seen = sub.receivedCount();
            float v = 0f;
            float w = 0f;
            if (seen != commandsSeen[r]) {
                commandsSeen[r] = seen;
                lastCommandTime[r] = simTime;
            }
            if (sub.hasSample() && simTime - lastCommandTime[r] <= commandTimeout) {
                sub.readLatest(twists[r]);
                double cv = twists[r].getDouble(twistV);
                double cw = twists[r].getDouble(twistW);
                if (Double.isFinite(cv) && Double.isFinite(cw)) {
                    v = (float) cv;
                    w = (float) cw;
                } else {
                    invalidCommands++;
                }
            } else if (sub.hasSample()) {
                staleCommands++;
            }
            action[2 * r] = v;
            action[2 * r + 1] = w;
        }
        last = env.step(action);
        simTime += period;
        ticks++;
        float[] obs = last.observation();
        for (int r = 0; r < robots; r++) {
            // Dead reckoning from the odometry velocities (midpoint heading), as the base would.
            double v = obs[r * observationSize + beams + 2];
            double w = obs[r * observationSize + beams + 3];
            double mid = poseYaw[r] + 0.5 * w * period;
            poseX[r] += v * period * Math.cos(mid);
            poseY[r] += v * period * Math.sin(mid);
            poseYaw[r] = wrap(poseYaw[r] + w * period);
        }
        publishState();
        for (int r = 0; r < robots; r++) {
            rewards[r].setFloat(rewardData, last.reward(r));
            rewardPublishers[r].publish(rewards[r]);
        }
        if (last.done()) {
            publishEpisodeEnd();
            startEpisode();
        }
    }

    /**
     * Ticks at {@code realTimeFactor} times real time (simulated seconds per wall second) until
     * {@code keepGoing} says stop; factor 0 runs as fast as possible.
     */
    public void run(double realTimeFactor, BooleanSupplier keepGoing) {
        if (!(realTimeFactor >= 0) || Double.isInfinite(realTimeFactor)) {
            throw new IllegalArgumentException("real-time factor must be finite and >= 0, got " + realTimeFactor);
        }
        long periodNanos = realTimeFactor == 0 ? 0 : Math.round(period / realTimeFactor * 1e9);
        long next = System.nanoTime();
        while (keepGoing.getAsBoolean()) {
            tick();
            if (periodNanos == 0) {
                continue;
            }
            next += periodNanos;
            long now = System.nanoTime();
            if (now > next) {
                // Overran: skip whole periods rather than catching up in a burst.
                long behind = (now - next) / periodNanos + 1;
                overruns += behind;
                next += behind * periodNanos;
            }
            long wait;
            while ((wait = next - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private void startEpisode() {
        env.reset(nextSeed++);
        for (int r = 0; r < robots; r++) {
            poseX[r] = nav.robotX(r);
            poseY[r] = nav.robotY(r);
            poseYaw[r] = nav.robotHeading(r);
        }
        publishGoals();
        publishState();
    }

    private void publishGoals() {
        long stamp = stampNanos();
        for (int r = 0; r < robots; r++) {
            Message g = goals[r];
            g.setLong(goalStampSec, stamp / 1_000_000_000L);
            g.setLong(goalStampNsec, stamp % 1_000_000_000L);
            g.setDouble(goalX, nav.goalX(r));
            g.setDouble(goalY, nav.goalY(r));
            goalPublishers[r].publish(g);
        }
    }

    private void publishState() {
        long stamp = stampNanos();
        long sec = stamp / 1_000_000_000L;
        long nsec = stamp % 1_000_000_000L;
        clock.setLong(clockSec, sec);
        clock.setLong(clockNsec, nsec);
        clockPublisher.publish(clock);
        float[] obs = env.simulator().observations();
        float max = (float) lidar.rangeMax();
        for (int r = 0; r < robots; r++) {
            int off = r * observationSize;
            Message s = scans[r];
            s.setLong(scanStampSec, sec);
            s.setLong(scanStampNsec, nsec);
            PrimitiveArray ranges = s.primitives(scanRanges);
            float[] out = ranges.floatArray();
            for (int k = 0; k < beams; k++) {
                float range = obs[off + k];
                out[k] = range >= max ? Float.POSITIVE_INFINITY : range;
            }
            scanPublishers[r].publish(s);

            Message o = odoms[r];
            o.setLong(odomStampSec, sec);
            o.setLong(odomStampNsec, nsec);
            o.setDouble(odomX, poseX[r]);
            o.setDouble(odomY, poseY[r]);
            o.setDouble(odomQz, Math.sin(0.5 * poseYaw[r]));
            o.setDouble(odomQw, Math.cos(0.5 * poseYaw[r]));
            o.setDouble(odomV, obs[off + beams + 2]);
            o.setDouble(odomW, obs[off + beams + 3]);
            odomPublishers[r].publish(o);

            Message t = tfTransforms.get(r);
            t.setLong(tfStampSec, sec);
            t.setLong(tfStampNsec, nsec);
            t.setDouble(tfX, poseX[r]);
            t.setDouble(tfY, poseY[r]);
            t.setDouble(tfQz, Math.sin(0.5 * poseYaw[r]));
            t.setDouble(tfQw, Math.cos(0.5 * poseYaw[r]));
        }
        tfPublisher.publish(tf);
    }

    private void publishEpisodeEnd() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "episode seed=%d steps=%d return=%.3f", nextSeed - 1,
                last.episodeLength(), last.episodeReturn()));
        for (int r = 0; r < robots; r++) {
            Outcome o = last.outcome(r);
            sb.append(robots == 1 ? " outcome=" : " robot_" + r + "=").append(o.name().toLowerCase(Locale.ROOT));
        }
        episode.setString(episodeText, sb.toString());
        episodePublisher.publish(episode);
    }

    private static double wrap(double a) {
        return a - 2 * Math.PI * Math.floor((a + Math.PI) / (2 * Math.PI));
    }

    /** Closes the node's publishers and subscriptions (the node itself belongs to the caller). */
    @Override
    public void close() {
        for (int r = 0; r < robots; r++) {
            scanPublishers[r].close();
            odomPublishers[r].close();
            goalPublishers[r].close();
            rewardPublishers[r].close();
            commandSubscriptions[r].close();
        }
        clockPublisher.close();
        episodePublisher.close();
    }
}
