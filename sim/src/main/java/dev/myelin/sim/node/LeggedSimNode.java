package dev.myelin.sim.node;

import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.msg.Field;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.msg.PrimitiveArray;
import dev.myelin.sim.EpisodeStats;
import dev.myelin.sim.Outcome;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.Transition;
import dev.myelin.sim.task.QuadrupedWalk;
import dev.myelin.sim.task.VelocityTracking;

import java.util.List;
import java.util.Locale;

/**
 * The MuJoCo quadruped on ROS 2, driven joint by joint as ros2_control drives a real one:
 * <ul>
 * <li>subscribes {@code forward_position_controller/commands} ({@code std_msgs/Float64MultiArray}):
 *     one target angle per joint in {@link QuadrupedWalk#JOINTS} order; a command older than the
 *     command timeout (simulated time), of the wrong length or with a non-finite value is not used:
 *     the servos hold the standing pose, as a hardware interface's watchdog would;</li>
 * <li>publishes {@code joint_states} ({@code sensor_msgs/JointState}: position, velocity, servo
 *     effort), {@code imu} ({@code sensor_msgs/Imu}, sensor-data QoS), {@code odom}
 *     ({@code nav_msgs/Odometry}: the trunk's pose and body-frame velocity), and {@code cmd_vel}
 *     ({@code geometry_msgs/Twist}): the episode's commanded forward speed and turn rate, every tick,
 *     as an operator's joystick would;</li>
 * <li>{@code /clock}, {@code reward} ({@code std_msgs/Float32}) after each step and
 *     {@code sim/episode} ({@code std_msgs/String}) when an episode ends, as {@link SimNode} does.</li>
 * </ul>
 * The node keeps the figures of how well the robot it simulates tracks the commanded velocity, and its
 * falls ({@link #tracking()}), whoever drives it. A tick allocates nothing once the message buffers have
 * their sizes, except the summary of an episode that ends. One thread drives a node.
 */
public final class LeggedSimNode implements RobotSimulation {
    /** The command topic, relative to the node's namespace. */
    public static final String COMMAND_TOPIC = "forward_position_controller/commands";

    private final SimEnv env;
    private final QuadrupedWalk robot;
    private final int joints;
    private final double period;
    private final CommandWatchdog watchdog;
    private final float[] hold;
    private final float[] action;
    private final double[] imuValues = new double[10];
    private final VelocityTracking.Tally tracking;

    private final Subscription commands;
    private final Message command;
    private final Field commandData;
    private final Publisher jointPublisher;
    private final Publisher imuPublisher;
    private final Publisher odomPublisher;
    private final Publisher twistPublisher;
    private final Publisher clockPublisher;
    private final Publisher rewardPublisher;
    private final Publisher episodePublisher;
    private final Message jointState;
    private final Message imu;
    private final Message odom;
    private final Message twist;
    private final Message clock;
    private final Message reward;
    private final Message episode;
    private final Field[] jointStamp;
    private final Field[] imuStamp;
    private final Field[] odomStamp;
    private final Field[] clockStamp;
    private final Field position;
    private final Field velocity;
    private final Field effort;
    private final Field[] imuFields;
    private final Field[] odomFields;
    private final Field twistLinear;
    private final Field twistAngular;
    private final Field rewardData;
    private final Field episodeText;

    private final long startEpochNanos;
    private long nextSeed;
    private double simTime;
    private long ticks;
    private long invalidCommands;
    private long appliedCommands;
    private long overruns;
    private Transition last;

    /**
     * @param node           the ROS node the topics belong to
     * @param env            a one-world env of {@code quadruped-walk}
     * @param seed           seed of the first episode (each later one adds 1)
     * @param commandTimeout seconds of simulated time after which a silent command topic means hold
     */
    public LeggedSimNode(Node node, SimEnv env, long seed, double commandTimeout) {
        if (!(env.simulator() instanceof QuadrupedWalk q) || env.agents() != 1) {
            throw new IllegalArgumentException("the legged sim node drives " + QuadrupedWalk.NAME + ", not " + env.task());
        }
        if (!(commandTimeout > 0)) {
            throw new IllegalArgumentException("command timeout must be > 0 s, got " + commandTimeout);
        }
        this.env = env;
        this.robot = q;
        this.joints = q.jointNames().size();
        this.period = env.controlPeriod();
        this.hold = QuadrupedWalk.standingTargets();
        this.action = hold.clone();
        this.nextSeed = seed;
        this.tracking = new VelocityTracking.Tally(q);

        MessageType arrayType = node.messageType("std_msgs/msg/Float64MultiArray");
        MessageType jointType = node.messageType("sensor_msgs/msg/JointState");
        MessageType imuType = node.messageType("sensor_msgs/msg/Imu");
        MessageType odomType = node.messageType("nav_msgs/msg/Odometry");
        MessageType twistType = node.messageType("geometry_msgs/msg/Twist");
        MessageType clockType = node.context().messageTypes().define("rosgraph_msgs/msg/Clock", SimNode.CLOCK_DEFINITION);
        MessageType float32Type = node.messageType("std_msgs/msg/Float32");
        MessageType stringType = node.messageType("std_msgs/msg/String");

        commands = node.createSubscription(COMMAND_TOPIC, arrayType, Qos.DEFAULT);
        watchdog = new CommandWatchdog(commands, commandTimeout);
        command = arrayType.newMessage();
        commandData = arrayType.field("data");
        jointPublisher = node.createPublisher("joint_states", jointType, Qos.DEFAULT);
        imuPublisher = node.createPublisher("imu", imuType, Qos.SENSOR_DATA);
        odomPublisher = node.createPublisher("odom", odomType, Qos.DEFAULT);
        twistPublisher = node.createPublisher("cmd_vel", twistType, Qos.DEFAULT);
        clockPublisher = node.createPublisher("/clock", clockType, Qos.DEFAULT.withDepth(1));
        rewardPublisher = node.createPublisher("reward", float32Type, Qos.DEFAULT);
        episodePublisher = node.createPublisher("sim/episode", stringType, Qos.DEFAULT);

        jointState = jointType.newMessage();
        jointState.setString(jointType.field("header.frame_id"), "base_link");
        jointState.strings(jointType.field("name")).setAll(q.jointNames().toArray(String[]::new));
        position = jointType.field("position");
        velocity = jointType.field("velocity");
        effort = jointType.field("effort");
        jointState.primitives(position).resize(joints);
        jointState.primitives(velocity).resize(joints);
        jointState.primitives(effort).resize(joints);
        imu = imuType.newMessage();
        imu.setString(imuType.field("header.frame_id"), "imu_link");
        imuFields = fields(imuType, "orientation.x", "orientation.y", "orientation.z", "orientation.w", "angular_velocity.x",
                "angular_velocity.y", "angular_velocity.z", "linear_acceleration.x", "linear_acceleration.y", "linear_acceleration.z");
        odom = odomType.newMessage();
        odom.setString(odomType.field("header.frame_id"), "odom");
        odom.setString(odomType.field("child_frame_id"), "base_link");
        odomFields = fields(odomType, "pose.pose.position.x", "pose.pose.position.y", "pose.pose.position.z",
                "pose.pose.orientation.x", "pose.pose.orientation.y", "pose.pose.orientation.z", "pose.pose.orientation.w",
                "twist.twist.linear.x", "twist.twist.angular.z");
        twist = twistType.newMessage();
        twistLinear = twistType.field("linear.x");
        twistAngular = twistType.field("angular.z");
        clock = clockType.newMessage();
        reward = float32Type.newMessage();
        rewardData = float32Type.field("data");
        episode = stringType.newMessage();
        episodeText = stringType.field("data");
        jointStamp = fields(jointType, "header.stamp.sec", "header.stamp.nanosec");
        imuStamp = fields(imuType, "header.stamp.sec", "header.stamp.nanosec");
        odomStamp = fields(odomType, "header.stamp.sec", "header.stamp.nanosec");
        clockStamp = fields(clockType, "clock.sec", "clock.nanosec");
        startEpochNanos = System.currentTimeMillis() * 1_000_000L;
        startEpisode();
    }

    private static Field[] fields(MessageType type, String... paths) {
        Field[] f = new Field[paths.length];
        for (int i = 0; i < paths.length; i++) {
            f[i] = type.field(paths[i]);
        }
        return f;
    }

    public SimEnv env() {
        return env;
    }

    @Override
    public double simTime() {
        return simTime;
    }

    @Override
    public long ticks() {
        return ticks;
    }

    /** Commands received on the command topic. */
    public long commandsReceived() {
        return commands.receivedCount();
    }

    /** Ticks whose joint targets came from a fresh, valid command. */
    public long appliedCommands() {
        return appliedCommands;
    }

    /** Commands refused for their length or a non-finite value (the standing pose was held). */
    @Override
    public long invalidCommands() {
        return invalidCommands;
    }

    /** Ticks on which the last command was older than the timeout (the standing pose was held). */
    @Override
    public long staleCommands() {
        return watchdog.stale();
    }

    @Override
    public long overruns() {
        return overruns;
    }

    @Override
    public EpisodeStats stats() {
        return env.stats();
    }

    /**
     * The velocity tracking and falls of the simulated robot since the node started or since the tally's
     * last {@link VelocityTracking.Tally#restart}; safe to read from another thread.
     */
    public VelocityTracking.Tally tracking() {
        return tracking;
    }

    /** The joint targets the last tick applied (a copy; tests). */
    public float[] lastTargets() {
        return action.clone();
    }

    /** Advances one control period: reads the joint command, steps, publishes. */
    @Override
    public void tick() {
        boolean applied = false;
        if (watchdog.readFresh(simTime, command)) {
            PrimitiveArray data = command.primitives(commandData);
            boolean valid = data.size() == joints;
            for (int j = 0; valid && j < joints; j++) {
                valid = Double.isFinite(data.getDouble(j));
            }
            if (valid) {
                for (int j = 0; j < joints; j++) {
                    action[j] = (float) data.getDouble(j);
                }
                applied = true;
                appliedCommands++;
            } else {
                invalidCommands++;
            }
        }
        if (!applied) {
            System.arraycopy(hold, 0, action, 0, joints);
        }
        last = env.step(action);
        simTime += period;
        ticks++;
        tracking.step();
        publishState();
        reward.setFloat(rewardData, last.reward(0));
        rewardPublisher.publish(reward);
        if (last.done()) {
            tracking.episodeEnd(last.outcome(0), last.episodeReturn());
            publishEpisodeEnd();
            startEpisode();
        }
    }

    @Override
    public void countOverruns(long periods) {
        overruns += periods;
    }

    @Override
    public double controlPeriod() {
        return period;
    }

    private void startEpisode() {
        env.reset(nextSeed++);
        publishState();
    }

    private void publishState() {
        long stamp = startEpochNanos + Math.round(simTime * 1e9);
        long sec = stamp / 1_000_000_000L;
        long nsec = stamp % 1_000_000_000L;
        clock.setLong(clockStamp[0], sec);
        clock.setLong(clockStamp[1], nsec);
        clockPublisher.publish(clock);

        jointState.setLong(jointStamp[0], sec);
        jointState.setLong(jointStamp[1], nsec);
        robot.jointStates(0, jointState.primitives(position).doubleArray(), jointState.primitives(velocity).doubleArray(),
                jointState.primitives(effort).doubleArray());
        jointPublisher.publish(jointState);

        robot.imu(0, imuValues);
        imu.setLong(imuStamp[0], sec);
        imu.setLong(imuStamp[1], nsec);
        for (int i = 0; i < imuFields.length; i++) {
            imu.setDouble(imuFields[i], imuValues[i]);
        }
        imuPublisher.publish(imu);

        odom.setLong(odomStamp[0], sec);
        odom.setLong(odomStamp[1], nsec);
        odom.setDouble(odomFields[0], robot.trunkX(0));
        odom.setDouble(odomFields[1], robot.trunkY(0));
        odom.setDouble(odomFields[2], robot.trunkHeight(0));
        odom.setDouble(odomFields[3], robot.trunkQuaternion(0, 1));
        odom.setDouble(odomFields[4], robot.trunkQuaternion(0, 2));
        odom.setDouble(odomFields[5], robot.trunkQuaternion(0, 3));
        odom.setDouble(odomFields[6], robot.trunkQuaternion(0, 0));
        odom.setDouble(odomFields[7], robot.forwardSpeed(0));
        odom.setDouble(odomFields[8], robot.yawRate(0));
        odomPublisher.publish(odom);

        twist.setDouble(twistLinear, robot.commandLinear(0));
        twist.setDouble(twistAngular, robot.commandAngular(0));
        twistPublisher.publish(twist);
    }

    private void publishEpisodeEnd() {
        Outcome o = last.outcome(0);
        episode.setString(episodeText, String.format(Locale.ROOT, "episode seed=%d steps=%d return=%.3f outcome=%s",
                nextSeed - 1, last.episodeLength(), last.episodeReturn(), o.name().toLowerCase(Locale.ROOT)));
        episodePublisher.publish(episode);
    }

    /** Closes the node's publishers and subscriptions (the node itself belongs to the caller). */
    @Override
    public void close() {
        for (AutoCloseable c : List.<AutoCloseable>of(commands, jointPublisher, imuPublisher, odomPublisher, twistPublisher,
                clockPublisher, rewardPublisher, episodePublisher)) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the legged sim node", e);
            }
        }
    }
}
