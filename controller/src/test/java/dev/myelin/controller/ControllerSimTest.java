package dev.myelin.controller;

import dev.myelin.controller.bringup.GoalSeekingPopSan;
import dev.myelin.controller.config.ControllerParams;
import dev.myelin.controller.diagnostics.DiagnosticsPublisher;
import dev.myelin.controller.hosting.PolicyHealth;
import dev.myelin.controller.hosting.PolicyRejectedException;
import dev.myelin.controller.hosting.PreparedPolicy;
import dev.myelin.controller.safety.Intervention;
import dev.myelin.policy.bundle.SigningKeys;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.model.Grsn;
import dev.myelin.policy.model.Policy;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.sim.task.DiffDriveNav;
import dev.myelin.sim.task.MujocoNav;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controller against the simulated robot over ROS 2 loopback (real Cyclone DDS, two
 * participants): it drives diffdrive-nav episodes with the hand-wired goal seeker, stops the robot
 * when inputs stop or the e-stop is pressed, never lets a NaN reach /cmd_vel, swaps policies while
 * driving, and allocates nothing on the tick.
 */
class ControllerSimTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Simulated seconds per wall second: the sim publishes scan/odom every 20 ms. */
    private static final double RTF = 5;

    private static Context simContext;
    private static Context controllerContext;
    private static KeyPair key;

    private SimRobot robot;
    private Node node;
    private Node probe;
    private Controller controller;
    /** Every cmd_vel the robot side received: {linear.x, angular.z, nanoTime}. */
    private final ConcurrentLinkedQueue<double[]> commands = new ConcurrentLinkedQueue<>();
    private final List<String> episodes = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void contexts() {
        int domain = ThreadLocalRandom.current().nextInt(120, 160);
        simContext = Context.builder().domainId(domain).localhostOnly(true).build();
        controllerContext = Context.builder().domainId(domain).localhostOnly(true).build();
        key = SigningKeys.generate();
    }

    @AfterAll
    static void closeContexts() {
        controllerContext.close();
        simContext.close();
    }

    @AfterEach
    void close() throws Exception {
        if (controller != null) {
            controller.close();
        }
        if (robot != null) {
            robot.close();
        }
        if (node != null) {
            node.close();
        }
        if (probe != null) {
            probe.close();
        }
    }

    private void start(String simOptions, ControllerParams params) throws Exception {
        start(simOptions, params, c -> { });
    }

    private void start(String simOptions, ControllerParams params, java.util.function.Consumer<Controller> beforeConfigure)
            throws Exception {
        start(DiffDriveNav.NAME, simOptions, params, beforeConfigure);
    }

    private void start(String task, String simOptions, ControllerParams params,
                       java.util.function.Consumer<Controller> beforeConfigure) throws Exception {
        robot = new SimRobot(simContext, task, simOptions, 7, RTF);
        probe = simContext.createNode("probe");
        MessageType twist = probe.messageType("geometry_msgs/msg/Twist");
        var lx = twist.field("linear.x");
        var az = twist.field("angular.z");
        probe.createSubscription("/cmd_vel", twist, Qos.DEFAULT,
                (m, t) -> commands.add(new double[] {m.getDouble(lx), m.getDouble(az), t}));
        MessageType string = probe.messageType("std_msgs/msg/String");
        var data = string.field("data");
        probe.createSubscription("/sim/episode", string, Qos.DEFAULT, (m, t) -> episodes.add(m.getString(data)));
        node = controllerContext.createNode("controller");
        controller = new Controller(params, node, TrustedKeys.of(key.getPublic()));
        beforeConfigure.accept(controller);
        controller.configure();
        assertEquals(Lifecycle.INACTIVE, controller.lifecycle());
    }

    private PreparedPolicy prepare(Policy policy, String version) throws PolicyRejectedException {
        return controller.host().prepare(TestBundles.bundle(policy, "nav", version, key.getPrivate()));
    }

    private void driveWith(Policy policy) throws Exception {
        controller.host().swap(prepare(policy, "1.0.0"), Duration.ofSeconds(2));
        controller.activate();
        await(() -> moving(), "the robot is driven forward");
    }

    private boolean moving() {
        double[] last = lastCommand();
        return last != null && last[0] > 0.05;
    }

    private double[] lastCommand() {
        double[] last = null;
        for (double[] c : commands) {
            last = c;
        }
        return last;
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {DiffDriveNav.NAME, MujocoNav.NAME})
    void drivesEpisodesToTheirGoalsAndPublishesDiagnostics(String task) throws Exception {
        start(task, "obstacles=0,lidar_noise=0", TestBundles.navParams(), c -> { });
        // What the update agent adds (its refusal counts) goes out in the same status.
        controller.addDiagnostics(() -> java.util.Map.of("ota.refused", "7", "ota.refused.manifest:envelope.signature", "7"));
        MessageType diagType = probe.messageType("diagnostic_msgs/msg/DiagnosticArray");
        Subscription diag = probe.createSubscription("/diagnostics", diagType, Qos.DEFAULT);
        MessageType jointType = probe.messageType("sensor_msgs/msg/JointState");
        MessageType imuType = probe.messageType("sensor_msgs/msg/Imu");
        Subscription joints = probe.createSubscription("/joint_states", jointType, Qos.DEFAULT);
        Subscription imu = probe.createSubscription("/imu", imuType, Qos.SENSOR_DATA);
        // Inactive: inputs are read, outputs held at the safe command.
        controller.host().swap(prepare(GoalSeekingPopSan.turtlebot(16), "1.0.0"), Duration.ofSeconds(2));
        await(() -> commands.size() > 10, "safe commands while inactive");
        assertTrue(commands.stream().allMatch(c -> c[0] == 0 && c[1] == 0), "inactive: only the safe command");
        controller.activate();
        await(() -> episodes.stream().filter(e -> e.contains("outcome=success")).count() >= 2,
                "two episodes reach their goals (" + episodes + ")");
        await(() -> controller.episodeResets() >= 2, "the sim's episode topic resets the policy state");
        assertEquals(0, robot.sim.invalidCommands());
        if (task.equals(MujocoNav.NAME)) {
            // The physics body also reports its wheels and its IMU.
            await(() -> joints.hasSample() && imu.hasSample(), "joint states and IMU from the MuJoCo base");
            Message js = jointType.newMessage();
            joints.readLatest(js);
            assertEquals(java.util.List.of("wheel_left", "wheel_right"), java.util.List.of(js.strings(jointType.field("name")).get(0),
                    js.strings(jointType.field("name")).get(1)));
            Message m = imuType.newMessage();
            imu.readLatest(m);
            double qx = m.getDouble(imuType.field("orientation.x"));
            double qy = m.getDouble(imuType.field("orientation.y"));
            double qz = m.getDouble(imuType.field("orientation.z"));
            double qw = m.getDouble(imuType.field("orientation.w"));
            assertEquals(1.0, qx * qx + qy * qy + qz * qz + qw * qw, 1e-6, "a unit orientation quaternion");
            assertTrue(Math.abs(qx) < 0.05 && Math.abs(qy) < 0.05, "the base stays level");
            assertTrue(m.getDouble(imuType.field("linear_acceleration.z")) > 5, "the accelerometer reads gravity (upward)");
        } else {
            assertFalse(joints.hasSample(), "the kinematic base has no joints to report");
        }

        await(() -> diag.hasSample() && diag.receivedCount() >= 2, "diagnostics published");
        Message array = diagType.newMessage();
        diag.readLatest(array);
        Message status = array.messages(diagType.field("status")).get(0);
        MessageType statusType = status.type();
        assertEquals(DiagnosticsPublisher.STATUS_NAME, status.getString(statusType.field("name")));
        var values = status.messages(statusType.field("values"));
        java.util.Map<String, String> kv = new java.util.HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            Message v = values.get(i);
            kv.put(v.getString(v.type().field("key")), v.getString(v.type().field("value")));
        }
        assertEquals("active", kv.get("lifecycle"));
        assertEquals("nav 1.0.0", kv.get("policy"));
        assertTrue(Long.parseLong(kv.get("decisions")) > 0, kv.toString());
        assertTrue(Double.parseDouble(kv.get("inference_us.p99")) > 0, kv.toString());
        assertTrue(Double.parseDouble(kv.get("energy_pj_per_decision")) > 0, kv.toString());
        assertTrue(kv.containsKey("period_jitter_us.p99") && kv.containsKey("input_to_output_us.max")
                && kv.containsKey("safety.stale_input"), kv.toString());
        assertEquals("7", kv.get("ota.refused.manifest:envelope.signature"), kv.toString());
    }

    /** One recorded transition as the recorder received it. */
    private record Recorded(float[] observation, float[] action, float reward, boolean done, long policyTag) {
    }

    @Test
    void recordsEveryDrivenDecisionWithTheRewardThatFollowedAndTheEpisodeEnds() throws Exception {
        ConcurrentLinkedQueue<Recorded> recorded = new ConcurrentLinkedQueue<>();
        java.util.Set<Float> published = java.util.concurrent.ConcurrentHashMap.newKeySet();
        start("obstacles=0,lidar_noise=0", TestBundles.navParams(), c -> assertThrows(IllegalStateException.class,
                () -> c.recordExperience((o, a, r, d, t, g) -> true, null), "needs a configured controller"));
        controller.recordExperience((o, a, r, done, t, tag) -> recorded.add(new Recorded(o.clone(), a.clone(), r, done, tag)),
                "/reward");
        MessageType f32 = probe.messageType("std_msgs/msg/Float32");
        var data = f32.field("data");
        probe.createSubscription("/reward", f32, Qos.DEFAULT, (m, t) -> published.add(m.getFloat(data)));
        assertThrows(IllegalStateException.class, () -> controller.recordExperience((o, a, r, d, t, g) -> true, null),
                "one recorder per controller");
        controller.host().swap(prepare(GoalSeekingPopSan.turtlebot(16), "1.0.0"), Duration.ofSeconds(2));
        assertTrue(recorded.isEmpty(), "nothing is recorded while inactive");
        controller.activate();
        await(() -> episodes.stream().filter(e -> e.contains("outcome=success")).count() >= 2, "two episodes end at their goals");
        await(() -> recorded.stream().filter(Recorded::done).count() >= 2, "episode ends recorded");
        assertEquals(controller.recordedTransitions(), recorded.size(), "the counter matches");
        long withReward = recorded.stream().filter(r -> !Float.isNaN(r.reward())).count();
        assertTrue(withReward > recorded.size() / 4, withReward + " of " + recorded.size() + " decisions got a reward");
        for (Recorded r : recorded) {
            assertEquals(controller.observationMap().size(), r.observation().length);
            assertTrue(finite(r.observation()), "recorded observations are finite");
            assertEquals(2, r.action().length);
            assertTrue(Float.isFinite(r.action()[0]) && Float.isFinite(r.action()[1]), "sent commands are finite");
            assertTrue(Float.isNaN(r.reward()) || published.contains(r.reward()),
                    "every recorded reward is one the robot published: " + r.reward());
            assertTrue(r.policyTag() != 0, "tagged with the acting bundle");
        }
        assertTrue(recorded.stream().anyMatch(r -> r.action()[0] > 0.05), "the recorded commands drive the robot forward");
    }

    private static boolean finite(float[] v) {
        for (float x : v) {
            if (!Float.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {DiffDriveNav.NAME, MujocoNav.NAME})
    void inputsStoppingStopTheRobotWithinTheStalenessLimit(String task) throws Exception {
        ControllerParams params = TestBundles.navParams();
        start(task, "obstacles=0,lidar_noise=0", params, c -> { });
        driveWith(GoalSeekingPopSan.turtlebot(16));
        robot.stop();
        long lastInput = robot.lastTickNanos();
        long missesBefore = controller.metrics().deadlineMisses();
        await(() -> {
            double[] c = lastCommand();
            return c[0] == 0 && c[1] == 0 && c[2] > lastInput;
        }, "a stop command after the inputs stopped");
        double[] stop = commands.stream().filter(c -> c[2] > lastInput && c[0] == 0 && c[1] == 0).findFirst().orElseThrow();
        long misses = controller.metrics().deadlineMisses() - missesBefore;
        // Stale once older than max_age_s (0.3 s); the next tick holds: within 2 periods (+ any missed ones),
        // plus loopback transit.
        long bound = 300_000_000L + (2 + misses) * params.periodNanos() + 50_000_000L;
        assertTrue(stop[2] - lastInput <= bound, "stopped " + (stop[2] - lastInput) / 1e6 + " ms after the last input, bound " + bound / 1e6);
        assertTrue(controller.gate().count(Intervention.STALE_INPUT) > 0);
        assertNotNull(controller.staleInput());
        Thread.sleep(100);
        double[] after = lastCommand();
        assertTrue(after[0] == 0 && after[1] == 0, "still stopped");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {DiffDriveNav.NAME, MujocoNav.NAME})
    void theEstopStopsTheRobotAndStaysLatchedUntilReset(String task) throws Exception {
        start(task, "obstacles=0,lidar_noise=0", TestBundles.navParams(), c -> { });
        Publisher estop = probe.createPublisher("/estop", "std_msgs/msg/Bool", Qos.DEFAULT);
        Publisher estopReset = probe.createPublisher("/estop_reset", "std_msgs/msg/Bool", Qos.DEFAULT);
        MessageType bool = probe.messageType("std_msgs/msg/Bool");
        Message pressed = bool.newMessage();
        pressed.setBoolean(bool.field("data"), true);
        Message released = bool.newMessage();
        assertTrue(estop.waitForSubscriptions(1, WAIT) && estopReset.waitForSubscriptions(1, WAIT));
        driveWith(GoalSeekingPopSan.turtlebot(16));

        estop.publish(pressed);
        await(controller::estopLatched, "e-stop latched");
        long latchedAt = System.nanoTime();
        await(() -> lastCommand()[2] > latchedAt && lastCommand()[0] == 0 && lastCommand()[1] == 0, "stop command");
        estop.publish(released);
        Thread.sleep(200);
        assertTrue(controller.estopLatched(), "releasing the button does not unlatch");
        long checkFrom = System.nanoTime() - 150_000_000L;
        assertTrue(commands.stream().filter(c -> c[2] > checkFrom).allMatch(c -> c[0] == 0 && c[1] == 0), "still stopped");

        estopReset.publish(pressed); // an explicit reset
        await(() -> !controller.estopLatched(), "e-stop reset");
        await(this::moving, "driving again after the reset");
        assertTrue(controller.gate().count(Intervention.ESTOP) > 0);

        // A reset while the button is still pressed is refused.
        estop.publish(pressed);
        await(controller::estopLatched, "latched again");
        controller.resetEstop();
        Thread.sleep(100);
        assertTrue(controller.estopLatched(), "reset refused while the e-stop input reads true");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {DiffDriveNav.NAME, MujocoNav.NAME})
    void aNanEmittingPolicyNeverReachesCmdVel(String task) throws Exception {
        // NaN for the linear action on every other decision from the 50th after the warm-up (which resets the engine).
        ControllerParams params = TestBundles.navParams().withEngine("nan-after:50");
        start(task, "obstacles=0,lidar_noise=0", params, c -> { });
        controller.host().swap(prepare(GoalSeekingPopSan.turtlebot(16), "1.0.0"), Duration.ofSeconds(2));
        controller.activate();
        await(() -> controller.gate().count(Intervention.NON_FINITE_ACTION) > 20, "NaN actions blocked");
        int seen = commands.size();
        Thread.sleep(200);
        assertTrue(commands.size() > seen, "commands keep flowing");
        assertTrue(commands.stream().allMatch(c -> Double.isFinite(c[0]) && Double.isFinite(c[1])), "only finite commands on /cmd_vel");
        assertEquals(0, robot.sim.invalidCommands(), "the robot never received a non-finite command");
        PolicyHealth h = controller.host().health();
        assertTrue(h.nonFiniteActions() > 0 && !h.healthy(1), h.toString());
    }

    @Test
    void aPolicyEmittingNanAtWarmUpIsNeverEligible() throws Exception {
        // NaN whenever the goal is to the left (bearing > 0): half the warm-up observations.
        start("obstacles=0,lidar_noise=0", TestBundles.navParams().withEngine("nan-when:17>0.0"));
        PolicyRejectedException e = assertThrows(PolicyRejectedException.class,
                () -> prepare(GoalSeekingPopSan.turtlebot(16), "1.0.0"));
        assertTrue(e.getMessage().contains("bundle 'nav' 1.0.0") && e.getMessage().contains("action 'linear_velocity' is NaN"
                + " for a warm-up observation"), e.getMessage());
        assertEquals(null, controller.host().current());
        controller.activate();
        await(() -> controller.gate().count(Intervention.NO_POLICY) > 5, "no policy: outputs held safe");
        assertTrue(commands.stream().allMatch(c -> c[0] == 0 && c[1] == 0));
    }

    @Test
    void policiesSwapWhileDrivingAndRejectedBundlesChangeNothing() throws Exception {
        start("obstacles=0,lidar_noise=0", TestBundles.navParams().withEngine("nan-after:1000000000"));
        driveWith(GoalSeekingPopSan.turtlebot(16));
        Policy goal = GoalSeekingPopSan.turtlebot(16);
        // A recurrent policy with the same spec: its state must start fresh on every swap.
        Policy recurrent = new Policy(Grsn.random(20, 2, new int[] {16}, 3), goal.observations(), goal.actions(),
                goal.normalizer(), java.util.Map.of());
        PreparedPolicy previous = controller.host().current();
        for (int i = 0; i < 6; i++) {
            long resets = FaultInjectingEngines.RESETS.get();
            PreparedPolicy next = prepare(i % 2 == 0 ? recurrent : goal, "1.0." + (i + 1));
            assertTrue(FaultInjectingEngines.RESETS.get() > resets, "state reset after warm-up, before the swap");
            assertEquals(PreparedPolicy.State.PREPARED, next.state());
            controller.host().swap(next, Duration.ofSeconds(2));
            assertEquals(PreparedPolicy.State.INSTALLED, next.state());
            assertEquals(PreparedPolicy.State.RETIRED, previous.state());
            assertEquals(next, controller.host().current());
            PreparedPolicy installed = next;
            await(() -> installed.health().decisions() > 5, "the new policy decides");
            previous = next;
        }
        assertEquals(7, controller.host().swaps());
        PreparedPolicy installed = controller.host().current();
        controller.host().swap(installed, Duration.ofSeconds(1));
        assertEquals(7, controller.host().swaps(), "swapping in the running policy changes nothing");

        // Refused: wrong key, mismatched spec. The installed policy keeps running.
        KeyPair other = SigningKeys.generate();
        PolicyRejectedException e = assertThrows(PolicyRejectedException.class, () -> controller.host().prepare(
                TestBundles.bundle(goal, "rogue", "9.0.0", other.getPrivate())));
        assertTrue(e.getMessage().contains("bundle refused"), e.getMessage());
        e = assertThrows(PolicyRejectedException.class, () -> prepare(GoalSeekingPopSan.turtlebot(8), "2.0.0"));
        assertTrue(e.getMessage().contains("parameter file gives 20 observation values") && e.getMessage().contains("bundle 'nav' 2.0.0"),
                e.getMessage());
        assertEquals(installed, controller.host().current());
        long decisions = installed.health().decisions();
        await(() -> installed.health().decisions() > decisions + 5, "the installed policy still runs");

        // Inputs going stale reset recurrent state.
        long resets = FaultInjectingEngines.RESETS.get();
        robot.stop();
        await(() -> controller.staleInput() != null, "inputs stale");
        assertTrue(FaultInjectingEngines.RESETS.get() > resets, "stale inputs reset the policy state");
    }

    @Test
    void theOtaAgentSwitchesAndRollsBackThroughTheBridgeInterface() throws Exception {
        start("obstacles=0,lidar_noise=0", TestBundles.navParams());
        controller.activate();
        try (ControllerOtaHost ota = new ControllerOtaHost(controller, Duration.ofSeconds(2))) {
            dev.myelin.bridge.ota.ActivationTarget host = ota;
            var committed = host.prepare(dev.myelin.policy.bundle.BundleReader.read(
                    TestBundles.bundle(GoalSeekingPopSan.turtlebot(16), "nav", "1.0.0", key.getPrivate()),
                    TrustedKeys.of(key.getPublic())));
            var atFirst = host.activate(committed).get(5, java.util.concurrent.TimeUnit.SECONDS);
            await(this::moving, "driving on the committed policy");
            var candidate = host.prepare(dev.myelin.policy.bundle.BundleReader.read(
                    TestBundles.bundle(GoalSeekingPopSan.create(16, 0.22f, 2.84f, 0.6f, 3f), "nav", "1.1.0", key.getPrivate()),
                    TrustedKeys.of(key.getPublic())));
            var atSwitch = host.activate(candidate).get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(atSwitch.ticks() > atFirst.ticks(), "counters at the switch are monotonic");
            assertEquals(candidate, controller.host().current());
            Thread.sleep(200);
            var trial = host.health().since(atSwitch);
            // Deadline misses depend on the machine's load, so only the policy's own counts are judged here.
            assertTrue(trial.ticks() >= 10 && trial.safetyInterventions() == 0 && trial.nanActions() == 0,
                    "the candidate's trial: " + trial);
            // Rollback: the committed policy, prepared before, runs again without being prepared anew.
            host.activate(committed).get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(committed, controller.host().current());
            assertEquals(PreparedPolicy.State.RETIRED, ((PreparedPolicy) candidate).state());
            assertEquals(3, controller.host().swaps());
            // A bundle whose spec does not fit is refused with the bridge's exception.
            var e = assertThrows(dev.myelin.bridge.ota.ActivationRefusedException.class, () -> host.prepare(
                    dev.myelin.policy.bundle.BundleReader.read(TestBundles.bundle(GoalSeekingPopSan.turtlebot(4), "nav",
                            "2.0.0", key.getPrivate()), TrustedKeys.of(key.getPublic()))));
            assertTrue(e.getMessage().contains("observation values"), e.getMessage());
        }
    }

    /** Allowance for JIT deoptimisation rematerialising a few scalar-replaced objects; far below one byte per tick. */
    private static final long ALLOCATION_BUDGET_BYTES = 1024;

    @Test
    void theTickAllocatesNothing() throws Exception {
        ControllerParams params = TestBundles.navParams().withRate(1000, dev.myelin.controller.loop.IdleStrategy.SPIN_THEN_PARK);
        start("lidar_noise=0.01", params);
        double[] seen = new double[1];
        controller.setTickListener(r -> seen[0] += r.command()[0] + r.proposal()[0] + r.synOps() + r.inferenceNanos() + r.layerSpikes()[0]); // the tick-listener path too
        driveWith(GoalSeekingPopSan.turtlebot(16));
        warmUpHotPaths();
        PreparedPolicy second = prepare(GoalSeekingPopSan.turtlebot(16), "1.0.1");
        Thread.sleep(1000);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long loopThread = controller.loop().threadId();
        long ticks0 = controller.metrics().ticks();
        long decisions0 = controller.metrics().decisions();
        long before = threads.getThreadAllocatedBytes(loopThread);
        controller.host().swap(second, Duration.ofSeconds(2)); // a swap inside the window
        Thread.sleep(3000);
        long after = threads.getThreadAllocatedBytes(loopThread);
        long ticks = controller.metrics().ticks() - ticks0;
        long decisions = controller.metrics().decisions() - decisions0;
        assertTrue(ticks > 1000 && decisions > 1000, ticks + " ticks, " + decisions + " decisions in the window");
        assertTrue(after - before <= ALLOCATION_BUDGET_BYTES,
                (after - before) + " bytes allocated by the loop thread over " + ticks + " ticks");
        assertFalse(controller.loop().tickErrors() > 0, "no tick threw: " + controller.loop().lastError());
        assertEquals(0, controller.tickListenerErrors());
        assertTrue(seen[0] != 0, "the tick listener saw the ticks");
    }

    /**
     * Runs the code the tick shares with other callers (CDR decode and latest-sample reads, C-layout
     * writes and dds_write, the engine) 20 000 times on this thread, so that the JIT has compiled it
     * with escape analysis before the measurement, as hours of operation would.
     */
    private void warmUpHotPaths() throws Exception {
        Node scratch = controllerContext.createNode("warm_up");
        try {
            List<String> types = List.of("sensor_msgs/msg/LaserScan", "nav_msgs/msg/Odometry", "geometry_msgs/msg/Twist");
            List<Publisher> pubs = new java.util.ArrayList<>();
            List<dev.myelin.controller.mapping.TopicInput> ins = new java.util.ArrayList<>();
            List<Message> msgs = new java.util.ArrayList<>();
            for (String t : types) {
                String topic = "/warm_up/" + t.replace('/', '_');
                pubs.add(scratch.createPublisher(topic, t, Qos.DEFAULT));
                ins.add(new dev.myelin.controller.mapping.TopicInput(scratch, topic, scratch.messageType(t), Qos.DEFAULT));
                Message m = scratch.messageType(t).newMessage();
                if (t.endsWith("LaserScan")) {
                    m.primitives(m.type().field("ranges")).resize(64);
                }
                msgs.add(m);
            }
            for (Publisher p : pubs) {
                assertTrue(p.waitForSubscriptions(1, WAIT));
            }
            var engine = dev.myelin.policy.engine.InferenceEngines.create("event", GoalSeekingPopSan.turtlebot(16));
            float[] o = new float[20];
            float[] a = new float[2];
            for (int i = 0; i < 20_000; i++) {
                for (int k = 0; k < pubs.size(); k++) {
                    pubs.get(k).publish(msgs.get(k));
                    ins.get(k).poll(i);
                }
                o[17] = (i % 7) - 3;
                engine.act(o, a);
            }
        } finally {
            scratch.close();
        }
    }
}
