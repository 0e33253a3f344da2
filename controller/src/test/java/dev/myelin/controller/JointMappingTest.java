package dev.myelin.controller;

import dev.myelin.controller.config.ActionOutput;
import dev.myelin.controller.config.ControllerParams;
import dev.myelin.controller.config.MappingCheck;
import dev.myelin.controller.config.MappingMismatchException;
import dev.myelin.controller.config.ObservationSlice;
import dev.myelin.controller.config.ParamsException;
import dev.myelin.controller.mapping.ActionMap;
import dev.myelin.controller.mapping.ObservationMap;
import dev.myelin.policy.model.Channel;
import dev.myelin.policy.model.CubaLif;
import dev.myelin.policy.model.Normalizer;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import dev.myelin.policy.model.Tensor;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The joint-space mapping of a 12-joint quadruped: joint states picked by name, IMU, velocity
 * command in; a Float64MultiArray forward command out in the declared joint order; the load-time
 * check against a bundle; nothing allocated per tick. Over real ROS 2 loopback topics.
 */
class JointMappingTest {
    static final List<String> JOINTS = List.of("fl_hip", "fl_thigh", "fl_calf", "fr_hip", "fr_thigh", "fr_calf",
            "hl_hip", "hl_thigh", "hl_calf", "hr_hip", "hr_thigh", "hr_calf");
    private static Context context;

    @BeforeAll
    static void open() {
        context = Context.builder().domainId(ThreadLocalRandom.current().nextInt(200, 230)).localhostOnly(true).build();
    }

    @AfterAll
    static void close() {
        context.close();
    }

    static String paramsText() {
        try (InputStream in = JointMappingTest.class.getResourceAsStream("/quadruped-params.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static ControllerParams params() {
        return ControllerParams.parse(paramsText(), "quadruped-params.yaml", null);
    }

    private static ParamsException refused(String from, String to) {
        String text = paramsText();
        assertTrue(text.contains(from), from);
        return assertThrows(ParamsException.class, () -> ControllerParams.parse(text.replace(from, to), "q.yaml", null));
    }

    /** The quadruped layout: 24 joint values, 7 IMU values, 2 command values in; 12 joint targets out. */
    static List<Channel> observationChannels() {
        List<Channel> obs = new ArrayList<>();
        for (String j : JOINTS) {
            obs.add(new Channel(j + "_position", "rad", -3.2f, 3.2f));
        }
        for (String j : JOINTS) {
            obs.add(new Channel(j + "_velocity", "rad/s", -30f, 30f));
        }
        for (String c : List.of("qx", "qy", "qz", "qw")) {
            obs.add(new Channel("imu_" + c, "1", -1f, 1f));
        }
        for (String c : List.of("wx", "wy", "wz")) {
            obs.add(new Channel("imu_" + c, "rad/s", -10f, 10f));
        }
        obs.add(new Channel("command_linear_x", "m/s", -1f, 1f));
        obs.add(new Channel("command_angular_z", "rad/s", -1.5f, 1.5f));
        return obs;
    }

    /** A PopSAN of the given channels with all weights zero (the mapping, not the behaviour, is under test). */
    static Policy policy(List<Channel> obs, List<Channel> act) {
        int n = obs.size();
        int m = act.size();
        int pop = 2;
        int hidden = 4;
        List<Tensor> ts = List.of(
                Tensor.of("encoder.mu", new float[n * pop], n, pop),
                Tensor.of("encoder.sigma", filled(n * pop, 1f), n, pop),
                Tensor.of("layer0.weight", new float[hidden * n * pop], hidden, n * pop),
                Tensor.of("layer0.bias", new float[hidden], hidden),
                Tensor.of("layer1.weight", new float[m * pop * hidden], m * pop, hidden),
                Tensor.of("layer1.bias", new float[m * pop], m * pop),
                Tensor.of("decoder.weight", new float[m * pop], m, pop),
                Tensor.of("decoder.bias", new float[m], m));
        PopSan net = new PopSan(n, m, pop, pop, new int[] {hidden}, 5, SpikeMode.DETERMINISTIC, CubaLif.POPSAN, ts);
        return new Policy(net, obs, act, Normalizer.identity(n), Map.of("source", "joint mapping test"));
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    static List<Channel> jointActions(List<String> joints) {
        return joints.stream().map(j -> new Channel(j, "rad", -2.6f, 2.6f)).toList();
    }

    @Test
    void theQuadrupedFileExpandsIntoChannelsAndPerJointOutputs() {
        ControllerParams p = params();
        assertEquals(24 + 7 + 2, p.observationSize());
        ObservationSlice.JointStateSlice js = assertInstanceOf(ObservationSlice.JointStateSlice.class, p.observations().get(0));
        assertEquals("fl_hip_position", js.channels().get(0));
        assertEquals("hr_calf_position", js.channels().get(11));
        assertEquals("fl_hip_velocity", js.channels().get(12));
        assertEquals("rad/s", js.units().get(12));
        assertEquals(100_000_000L, js.maxAgeNanos());
        ObservationSlice.ImuSlice imu = assertInstanceOf(ObservationSlice.ImuSlice.class, p.observations().get(1));
        assertEquals(List.of("imu_qx", "imu_qy", "imu_qz", "imu_qw", "imu_wx", "imu_wy", "imu_wz"), imu.channels());
        ObservationSlice.TwistSlice cmd = assertInstanceOf(ObservationSlice.TwistSlice.class, p.observations().get(2));
        assertEquals(List.of("command_linear_x", "command_angular_z"), cmd.channels());
        assertEquals(List.of("m/s", "rad/s"), cmd.units());
        assertEquals(0L, cmd.maxAgeNanos(), "commands are latched unless told otherwise");

        assertEquals(12, p.actions().size());
        ActionOutput calf = p.actions().get(5);
        assertEquals("fr_calf", calf.channel());
        assertEquals("data[5]", calf.field());
        assertEquals("std_msgs/msg/Float64MultiArray", calf.type());
        assertEquals(-2.6, calf.min());
        assertEquals(-0.6, calf.max());
        assertEquals(-1.5, calf.safe());
        assertEquals(20.0, calf.rateLimit());

        int[] index = MappingCheck.check(p, policy(observationChannels(), jointActions(JOINTS)), "bundle 'walk' 1.0.0");
        assertArrayEquals(java.util.stream.IntStream.range(0, 12).toArray(), index);
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
            "fields: [position, velocity]|fields: [position, torque]|q.yaml:12: controller.ros__parameters.observations[0].fields[1] must be one of position, velocity, effort, got 'torque'",
            "joints: [fl_hip, fl_thigh, fl_calf, fr_hip|joints: [fl_hip, fl_hip, fl_calf, fr_hip|observations[0].joints[1] 'fl_hip' is listed twice",
            "parts: [orientation, angular_velocity]|parts: [gravity]|observations[1].parts[0] must be one of orientation, angular_velocity, linear_acceleration, got 'gravity'",
            "components: [linear.x, angular.z]|components: [linear.x, yaw]|observations[2].components[1] must be one of linear.x",
            "min: [-0.8, -1.0, -2.6, -0.8, -1.0, -2.6, -0.8, -1.0, -2.6, -0.8, -1.0, -2.6]|min: [-0.8, -1.0]|actions[0].min must be one number or a list of 12 (one per joint), got 2",
            "safe: [0.0, 0.8, -1.5|safe: [0.0, 0.8, -2.9|actions[0].safe joint 'fl_calf': must lie in [min, max] = [-2.6, -0.6], got -2.9",
            "max: [0.8, 2.6, -0.6|max: [0.8, -1.0, -0.6|actions[0].max joint 'fl_thigh': must be greater than min (-1.0), got -1.0",
            "topic: /forward_position_controller/commands|topic: /fpc\\n        type: std_msgs/msg/Float64|actions[0].type must be one of std_msgs/msg/Float32MultiArray, std_msgs/msg/Float64MultiArray, got std_msgs/msg/Float64",
            "rate_limit: 20.0|rate_limit: 20.0\\n        gain: 3|actions[0].gain is not a known parameter",
    })
    void badJointEntriesAreRefusedByPath(String from, String to, String expected) {
        ParamsException e = refused(from.replace("\\n", "\n"), to.replace("\\n", "\n"));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void aBundleWithOtherJointNamesIsRefusedNamingBothSides() {
        ControllerParams p = params();
        List<Channel> obs = new ArrayList<>(observationChannels());
        obs.set(4, new Channel("fr_thigh_joint_position", "rad", -3.2f, 3.2f));
        MappingMismatchException e = assertThrows(MappingMismatchException.class,
                () -> MappingCheck.check(p, policy(obs, jointActions(JOINTS)), "bundle 'walk' 1.0.0"));
        assertTrue(e.getMessage().contains("observation 4: parameter slice 'joints' fills 'fr_thigh_position' but bundle 'walk' 1.0.0 "
                + "has 'fr_thigh_joint_position' [rad] there"), e.getMessage());

        List<String> renamed = new ArrayList<>(JOINTS);
        renamed.set(8, "hl_knee");
        e = assertThrows(MappingMismatchException.class,
                () -> MappingCheck.check(p, policy(observationChannels(), jointActions(renamed)), "bundle 'walk' 1.0.0"));
        assertTrue(e.getMessage().contains("action 'hl_calf' (to /forward_position_controller/commands data[8]) is not a channel of "
                + "bundle 'walk' 1.0.0"), e.getMessage());
    }

    @Test
    void jointStatesAreReadByNameAndCommandsGoOutInJointOrderWithoutAllocating() throws Exception {
        ControllerParams p = params();
        try (Node node = context.createNode("joint_mapping")) {
            ObservationMap obsMap = new ObservationMap(node, p.observations());
            ActionMap actMap = new ActionMap(node, p.actions());
            MessageType jsType = node.messageType("sensor_msgs/msg/JointState");
            MessageType imuType = node.messageType("sensor_msgs/msg/Imu");
            MessageType twistType = node.messageType("geometry_msgs/msg/Twist");
            MessageType arrayType = node.messageType("std_msgs/msg/Float64MultiArray");
            Publisher jsPub = node.createPublisher("/joint_states", jsType, Qos.DEFAULT);
            Publisher imuPub = node.createPublisher("/imu", imuType, Qos.SENSOR_DATA);
            Publisher cmdPub = node.createPublisher("/cmd_vel", twistType, Qos.DEFAULT);
            Subscription commands = node.createSubscription("/forward_position_controller/commands", arrayType, Qos.DEFAULT);
            assertTrue(jsPub.waitForSubscriptions(1, Duration.ofSeconds(5)) && imuPub.waitForSubscriptions(1, Duration.ofSeconds(5))
                    && cmdPub.waitForSubscriptions(1, Duration.ofSeconds(5)));

            // The publisher names its joints in another order than the parameter file (reversed), plus one extra.
            Message js = jsType.newMessage();
            List<String> published = new ArrayList<>(JOINTS.reversed());
            published.add(3, "lidar_tilt");
            js.strings(jsType.field("name")).setAll(published.toArray(String[]::new));
            var position = js.primitives(jsType.field("position"));
            var velocity = js.primitives(jsType.field("velocity"));
            position.resize(published.size());
            velocity.resize(published.size());
            for (int i = 0; i < published.size(); i++) {
                int k = JOINTS.indexOf(published.get(i));
                position.setDouble(i, k < 0 ? 99 : 0.1 * k);
                velocity.setDouble(i, k < 0 ? 99 : -k);
            }
            Message imu = imuType.newMessage();
            imu.setDouble(imuType.field("orientation.z"), Math.sin(0.25));
            imu.setDouble(imuType.field("orientation.w"), Math.cos(0.25));
            imu.setDouble(imuType.field("angular_velocity.y"), 0.75);
            Message cmd = twistType.newMessage();
            cmd.setDouble(twistType.field("linear.x"), 0.4);
            cmd.setDouble(twistType.field("angular.z"), -0.5);
            jsPub.publish(js);
            imuPub.publish(imu);
            cmdPub.publish(cmd);

            float[] obs = new float[p.observationSize()];
            long deadline = System.nanoTime() + 5_000_000_000L;
            long tick = 0;
            while (obsMap.read(tick++, System.nanoTime(), obs) >= 0) {
                assertTrue(System.nanoTime() < deadline, "inputs arrived");
                Thread.sleep(5);
            }
            for (int k = 0; k < 12; k++) {
                assertEquals(0.1f * k, obs[k], 1e-6f, JOINTS.get(k) + " position picked by name");
                assertEquals(-k, obs[12 + k], 1e-6f, JOINTS.get(k) + " velocity picked by name");
            }
            assertEquals((float) Math.sin(0.25), obs[26], 1e-7f);
            assertEquals((float) Math.cos(0.25), obs[27], 1e-7f);
            assertEquals(0.75f, obs[29]);
            assertEquals(0.4f, obs[31], 1e-7f);
            assertEquals(-0.5f, obs[32], 1e-7f);

            float[] command = new float[12];
            for (int k = 0; k < 12; k++) {
                command[k] = 0.01f * (k + 1);
            }
            actMap.write(command);
            Message received = arrayType.newMessage();
            deadline = System.nanoTime() + 5_000_000_000L;
            while (commands.readLatest(received) == Subscription.NO_SAMPLE) {
                assertTrue(System.nanoTime() < deadline, "command arrived");
                Thread.sleep(5);
            }
            var data = received.primitives(arrayType.field("data"));
            assertEquals(12, data.size());
            for (int k = 0; k < 12; k++) {
                assertEquals(0.01f * (k + 1), (float) data.getDouble(k), JOINTS.get(k) + " at index " + k);
            }
            Message dim = received.messages(arrayType.field("layout.dim")).get(0);
            assertEquals("joints", dim.getString(dim.type().field("label")));
            assertEquals(12, dim.getLong(dim.type().field("size")));

            // Steady state: one sample per input and one command per tick; the map's reads and writes allocate nothing.
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (int i = 0; i < 30_000; i++) {
                position.setDouble(0, i);
                jsPub.publish(js);
                obsMap.read(tick++, System.nanoTime(), obs);
                actMap.write(command);
            }
            long allocated = 0;
            int ticks = 50_000;
            for (int i = 0; i < ticks; i++) {
                position.setDouble(0, i);
                jsPub.publish(js);
                imuPub.publish(imu);
                long before = threads.getCurrentThreadAllocatedBytes();
                obsMap.read(tick++, System.nanoTime(), obs);
                actMap.write(command);
                allocated += threads.getCurrentThreadAllocatedBytes() - before;
            }
            assertTrue(allocated <= 1024, allocated + " bytes allocated by " + ticks + " read+write ticks");

            // A joint the publisher stops naming makes its values NaN (refused by the gate), the others stay right.
            published.set(published.indexOf("fr_thigh"), "fr_thigh_renamed");
            js.strings(jsType.field("name")).setAll(published.toArray(String[]::new));
            jsPub.publish(js);
            deadline = System.nanoTime() + 5_000_000_000L;
            do {
                assertTrue(System.nanoTime() < deadline, "renamed sample arrived");
                Thread.sleep(5);
                obsMap.read(tick++, System.nanoTime(), obs);
            } while (!Float.isNaN(obs[4]));
            assertTrue(Float.isNaN(obs[16]), "fr_thigh velocity NaN too");
            assertEquals(0.1f * 5, obs[5], 1e-6f, "fr_calf still found");
            obsMap.close();
            actMap.close();
        }
    }
}
