package dev.myelin.launch.file;

import dev.myelin.bridge.experience.ExperienceOutbox;
import dev.myelin.bridge.experience.ExperienceUploader;
import dev.myelin.bridge.mqtt.BrokerEndpoint;
import dev.myelin.bridge.ota.OtaAgent;
import dev.myelin.bridge.ota.ActivationTarget;
import dev.myelin.bridge.sim.SimulatedRobot;
import dev.myelin.bridge.wire.ReleaseKeys;
import dev.myelin.bridge.wire.RobotStatus;
import dev.myelin.controller.ControllerOtaHost;
import dev.myelin.controller.ControllerStatus;
import dev.myelin.launch.demo.ShippedBundles;
import dev.myelin.policy.bundle.SigningKeys;
import dev.myelin.ros2.param.ParameterDescriptor;
import dev.myelin.ros2.param.ParameterStore;
import dev.myelin.ros2.param.ParameterValues;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code kind: ota-agent}: the over-the-air update agent of an in-process {@code controller} node: follows
 * the fleet's release channel on the broker, verifies, stages, activates and health-checks releases.
 * Parameters: {@code controller} (node name), {@code broker} (a broker node's name or a URI),
 * {@code fleet}, {@code policy}, {@code channel}, {@code robot_id}, {@code state_dir}, {@code trust}
 * (public key PEMs, comma-separated), {@code release_key} (private key PEM, created with its
 * {@code .pub.pem} when missing; trusted, and signs a built-in factory bundle), {@code factory}
 * ({@code builtin:goal-seeker}, {@code builtin:nav-v1} or a signed bundle file), {@code experience}
 * (true: the controller records every decision into a disk-backed outbox in {@code state_dir/outbox} and
 * the agent uploads it to the fleet's trainer) with {@code reward_topic} (a {@code std_msgs/Float32} topic
 * such as the sim node's {@code /reward}). Ready once the committed policy runs.
 *
 * <p>{@code ./myelin ota-robot} starts the same node over a bridge-simulated robot ({@link #simulated}) in place of a
 * controller: the policy runs on the robot's own ticker, experience is recorded by it, and nothing is on ROS.
 */
public final class OtaAgentNode implements LaunchNode {
    /** How often the robot's status is republished with its loop timing and experience backlog. */
    static final Duration TELEMETRY_INTERVAL = Duration.ofSeconds(3);

    private final String name;
    private final Supplier<ControllerNode> controller;
    private final SimulatedRobot.Options simulated;
    private final Supplier<BrokerEndpoint> broker;
    private final String fleet;
    private final String policy;
    private final String channel;
    private final String robotId;
    private final Path stateDir;
    private final List<Path> trust;
    private final Path releaseKey;
    private final String factory;
    private final Duration healthPoll;
    private final OtaAgent.StepListener steps;
    private final boolean experience;
    private final String rewardTopic;
    private dev.myelin.ros2.Node rosNode;
    private volatile OtaAgent agent;
    private volatile ExperienceOutbox outbox;
    private ExperienceUploader uploader;
    private ControllerOtaHost host;
    private volatile SimulatedRobot simulatedRobot;

    public OtaAgentNode(String name, Supplier<ControllerNode> controller, Supplier<BrokerEndpoint> broker, String fleet,
                        String policy, String channel, String robotId, Path stateDir, List<Path> trust, Path releaseKey,
                        String factory, OtaAgent.StepListener steps) {
        this(name, controller, broker, fleet, policy, channel, robotId, stateDir, trust, releaseKey, factory, steps, false, null);
    }

    public OtaAgentNode(String name, Supplier<ControllerNode> controller, Supplier<BrokerEndpoint> broker, String fleet,
                        String policy, String channel, String robotId, Path stateDir, List<Path> trust, Path releaseKey,
                        String factory, OtaAgent.StepListener steps, boolean experience, String rewardTopic) {
        this(name, controller, null, broker, fleet, policy, channel, robotId, stateDir, trust, releaseKey, factory, steps,
                experience, rewardTopic);
    }

    private OtaAgentNode(String name, Supplier<ControllerNode> controller, SimulatedRobot.Options simulated,
                         Supplier<BrokerEndpoint> broker, String fleet, String policy, String channel, String robotId,
                         Path stateDir, List<Path> trust, Path releaseKey, String factory, OtaAgent.StepListener steps,
                         boolean experience, String rewardTopic) {
        this.simulated = simulated;
        this.experience = experience;
        this.rewardTopic = rewardTopic;
        this.name = name;
        this.controller = controller;
        this.broker = broker;
        this.fleet = fleet;
        this.policy = policy;
        this.channel = channel;
        this.robotId = robotId;
        this.stateDir = stateDir;
        this.trust = trust;
        this.releaseKey = releaseKey;
        this.factory = factory;
        this.healthPoll = Duration.ofMillis(50);
        this.steps = steps;
    }

    /**
     * The agent over a robot simulated by the bridge ({@link SimulatedRobot} with {@code robot}'s options) instead of
     * a controller node; {@code factory} is a signed bundle file (or null), {@code experience} records every
     * transition into {@code stateDir/outbox} and uploads it. Started and closed like any node.
     */
    public static OtaAgentNode simulated(String robotId, SimulatedRobot.Options robot, Supplier<BrokerEndpoint> broker,
                                         String fleet, String policy, String channel, Path stateDir, List<Path> trust,
                                         Path factory, OtaAgent.StepListener steps, boolean experience) {
        return new OtaAgentNode(robotId, null, robot, broker, fleet, policy, channel, robotId, stateDir, trust, null,
                factory == null ? null : factory.toString(), steps, experience, null);
    }

    static OtaAgentNode of(LaunchFile.NodeSpec s, LaunchRunner.Peers peers) {
        NodeParams p = s.params();
        String ctl = p.required("controller");
        String brokerRef = p.required("broker");
        Path state = p.path("state_dir");
        if (state == null) {
            throw p.error("state_dir", "required");
        }
        List<Path> trust = new ArrayList<>();
        for (String t : p.list("trust")) {
            trust.add(Path.of(t));
        }
        Path key = p.path("release_key");
        if (trust.isEmpty() && key == null) {
            throw p.error("trust", "give trust (public key files) or release_key");
        }
        String factory = p.string("factory", null);
        if (factory != null && factory.startsWith("builtin:") && key == null) {
            throw p.error("factory", "a built-in factory bundle is signed at start with release_key; give release_key");
        }
        String robot = p.string("robot_id", s.name());
        peers.node(ctl, ControllerNode.class, p, "controller"); // refused here, before anything starts
        peers.broker(brokerRef, p);
        return new OtaAgentNode(s.name(), () -> peers.node(ctl, ControllerNode.class, p, "controller"),
                () -> peers.broker(brokerRef, p), p.string("fleet", "sim"), p.string("policy", "nav"),
                p.string("channel", "stable"), robot, state, trust, key, factory,
                (step, release) -> System.out.println("[" + s.name() + "] " + robot + ": " + step + " " + release),
                p.bool("experience", false), p.string("reward_topic", null));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() throws Exception {
        ControllerNode c = controller == null ? null : controller.get();
        Files.createDirectories(stateDir);
        List<PublicKey> keys = new ArrayList<>();
        PrivateKey signing = null;
        if (releaseKey != null) {
            signing = ensureKey(releaseKey);
            keys.add(SigningKeys.publicKeyOf(signing));
        }
        for (Path t : trust) {
            keys.add(SigningKeys.readPublicKey(t));
        }
        Path factoryFile = null;
        if (factory != null) {
            factoryFile = stateDir.resolve("factory.myl");
            byte[] bytes;
            if (factory.equals("builtin:goal-seeker")) {
                if (c == null) {
                    throw new IllegalArgumentException("the built-in goal seeker is made for a controller's parameters; "
                            + "give a bundle file as the factory policy");
                }
                bytes = ShippedBundles.goalSeeker(c.params(), policy, "0.1.0", signing);
            } else if (factory.startsWith("builtin:")) {
                bytes = ShippedBundles.resign(ShippedBundles.bytes(factory, null), policy, "0.1.0", signing);
            } else {
                bytes = ShippedBundles.bytes(factory, null);
            }
            Files.write(factoryFile, bytes);
        }
        ActivationTarget robot;
        if (c != null) {
            host = new ControllerOtaHost(c.controller(), Duration.ofSeconds(5));
            robot = host;
        } else {
            if (experience) { // the simulated robot records from its first decision
                outbox = ExperienceOutbox.open(stateDir.resolve("outbox"), robotId);
            }
            simulatedRobot = new SimulatedRobot(robotId, simulated.recorder(outbox), null);
            robot = simulatedRobot;
        }
        OtaAgent a = new OtaAgent(new OtaAgent.Context().robotId(robotId).fleet(fleet).channel(channel).policy(policy)
                .stateDir(stateDir).keys(ReleaseKeys.of(keys)).endpoint(broker.get()).host(robot).factoryBundle(factoryFile)
                .stepListener(steps).telemetry(() -> telemetry(c), TELEMETRY_INTERVAL));
        agent = a;
        a.start();
        if (c != null) {
            c.controller().addDiagnostics(a::diagnostics);
            rosNode = c.rosContext().createNode(name.replaceAll("[^A-Za-z0-9_]", "_"));
            rosNode.serveParameters(settings());
            if (experience) {
                outbox = ExperienceOutbox.open(stateDir.resolve("outbox"), robotId);
                c.controller().recordExperience(outbox, rewardTopic);
            }
        } else {
            simulatedRobot.start();
        }
        if (outbox != null) {
            uploader = new ExperienceUploader(outbox, a.link(), fleet);
            uploader.start();
        }
    }

    /**
     * The telemetry in the robot's status: over a controller, the loop's p99 period jitter and input-to-output
     * latency (microseconds) and deadline misses since start; over a simulated robot, its {@link SimulatedRobot#loop()};
     * with experience upload on, the outbox's backlog.
     * Agent thread.
     */
    private RobotStatus.Telemetry telemetry(ControllerNode c) {
        RobotStatus.Loop loop = null;
        SimulatedRobot sim = simulatedRobot;
        if (sim != null) {
            loop = sim.loop();
        } else if (c != null) {
            ControllerStatus st = c.controller().status();
            loop = new RobotStatus.Loop(p99Micros(st.jitter()), p99Micros(st.inputToOutput()),
                    Math.min(st.deadlineMisses(), RobotStatus.MAX_COUNT));
        }
        ExperienceOutbox o = outbox;
        return new RobotStatus.Telemetry(loop, o == null ? -1 : Math.min(o.backlog(), RobotStatus.MAX_COUNT));
    }

    /** The 99th percentile of a histogram of nanoseconds, in microseconds (0 when empty), within the wire's bound. */
    static long p99Micros(org.HdrHistogram.Histogram nanos) {
        return nanos.getTotalCount() == 0 ? 0 : Math.min(RobotStatus.MAX_MICROS, nanos.getValueAtPercentile(99) / 1000);
    }

    /** The bridge-simulated robot of a {@link #simulated} node (after {@link #start()}), else null. */
    public SimulatedRobot simulatedRobot() {
        return simulatedRobot;
    }

    /** The agent's settings as read-only node parameters (fixed for the agent's life). */
    private ParameterStore settings() {
        String fixed = "from the launch file; restart the agent to change it";
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("robot_id", robotId);
        values.put("fleet", fleet);
        values.put("policy", policy);
        values.put("channel", channel);
        values.put("state_dir", stateDir.toString());
        values.put("experience", experience);
        if (rewardTopic != null) {
            values.put("reward_topic", rewardTopic);
        }
        if (factory != null) {
            values.put("factory", factory);
        }
        List<ParameterDescriptor> declared = new ArrayList<>();
        values.forEach((k, v) -> declared.add(new ParameterDescriptor(k, ParameterValues.typeOf(v), fixed, true,
                null, null, "")));
        return ParameterStore.immediate(declared, values, proposed -> null);
    }

    /** The experience outbox (null unless {@code experience: true}; after {@link #start()}). */
    public ExperienceOutbox outbox() {
        return outbox;
    }

    /** Reads the private key at {@code file}, first creating it (and {@code <name>.pub.pem}) when it does not exist. */
    static PrivateKey ensureKey(Path file) throws IOException, InvalidKeyException {
        if (!Files.exists(file)) {
            KeyPair k = SigningKeys.generate();
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            SigningKeys.writePrivateKey(k.getPrivate(), file);
            String n = file.getFileName().toString();
            String pub = n.endsWith(".pem") ? n.substring(0, n.length() - 4) + ".pub.pem" : n + ".pub.pem";
            SigningKeys.writePublicKey(k.getPublic(), file.resolveSibling(pub));
            System.out.println("created release key " + file + " (public key " + file.resolveSibling(pub) + ")");
        }
        return SigningKeys.readPrivateKey(file);
    }

    /** The agent (after {@link #start()}). */
    public OtaAgent agent() {
        return agent;
    }

    @Override
    public boolean ready() {
        OtaAgent a = agent;
        return a != null && a.snapshot() != null && a.snapshot().committedVersion() != null;
    }

    @Override
    public String failure() {
        return null;
    }

    @Override
    public void close() {
        if (rosNode != null) {
            rosNode.close();
        }
        if (simulatedRobot != null) {
            simulatedRobot.close(); // no more decisions, nothing more recorded
        }
        if (outbox != null && controller != null) {
            try {
                ControllerNode c = controller.get();
                c.controller().stopRecording();
                Thread.sleep(Math.max(1, 3 * c.params().periodNanos() / 1_000_000)); // the loop's last record is done
            } catch (RuntimeException e) {
                // the controller is gone already: nothing records any more
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (uploader != null) {
            uploader.close();
            uploader = null;
        }
        if (outbox != null) {
            outbox.close();
            outbox = null;
        }
        OtaAgent a = agent;
        agent = null;
        if (a != null) {
            a.close();
        }
        if (host != null) {
            host.close();
            host = null;
        }
    }
}
