package dev.myelin.launch.sim;

import dev.myelin.launch.FoxgloveOption;
import dev.myelin.launch.Ros2Options;
import dev.myelin.launch.file.RosSettings;
import dev.myelin.launch.file.SimRobotNode;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.param.ParameterDescriptor;
import dev.myelin.ros2.param.ParameterStore;
import dev.myelin.ros2.param.ParameterType;
import dev.myelin.sim.EpisodeStats;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Variant;
import dev.myelin.sim.node.LeggedSimNode;
import dev.myelin.sim.node.RobotSimulation;
import dev.myelin.sim.node.SimNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code ./myelin sim-node}: simulated robots on ROS 2 topics, in real time or faster: a launch file's {@link SimRobotNode}. */
@Command(name = "sim-node", mixinStandardHelpOptions = true,
        description = {"Run simulated differential-drive robots as a ROS 2 node: publishes scan, odom, goal_pose, "
                + "/clock, sim/episode, /tf, /tf_static and /rosout, subscribes cmd_vel (under robot_<i>/ for several robots); the MuJoCo base "
                + "(mujoco-nav) adds imu and joint_states; the MuJoCo quadruped (quadruped-walk) publishes joint_states, "
                + "imu, odom and its commanded cmd_vel and takes forward_position_controller/commands. "
                + "Stops on Ctrl-C, after --duration or after --episodes."})
public final class SimNodeCommand implements Callable<Integer> {

    @Mixin
    SimTaskOptions task;

    @Option(names = "--variant", defaultValue = "nominal", description = "nominal or real (the reality-gap preset).")
    String variant;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the first episode (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--rate", defaultValue = "1", paramLabel = "FACTOR",
            description = "Real-time factor: simulated seconds per wall second; 0 runs as fast as possible (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this much wall time.")
    Double duration;

    @Option(names = "--episodes", description = "Stop after this many episodes.")
    Long episodes;

    @Option(names = "--command-timeout", defaultValue = "0.5", paramLabel = "SECONDS",
            description = "Simulated seconds after which a silent cmd_vel means stop (default ${DEFAULT-VALUE}).")
    double commandTimeout;

    @Option(names = "--scan-qos", defaultValue = "sensor_data", description = "QoS of scan: sensor_data (best effort) or reliable.")
    String scanQos;

    @picocli.CommandLine.Mixin
    Ros2Options ros2;

    @Option(names = "--name", defaultValue = "myelin_sim", description = "Node name (default ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--namespace", defaultValue = "/", description = "Node namespace (default ${DEFAULT-VALUE}).")
    String namespace;

    @Mixin
    FoxgloveOption foxglove;

    @Override
    public Integer call() throws Exception {
        Qos qos = switch (scanQos) {
            case "sensor_data" -> Qos.SENSOR_DATA;
            case "reliable" -> Qos.DEFAULT;
            default -> throw new IllegalArgumentException("--scan-qos must be sensor_data or reliable, got '" + scanQos + "'");
        };
        if (duration != null && !(duration > 0)) {
            throw new IllegalArgumentException("--duration must be > 0 s, got " + duration);
        }
        if (episodes != null && episodes < 1) {
            throw new IllegalArgumentException("--episodes must be >= 1, got " + episodes);
        }
        TaskSpec spec = task.spec(Variant.parse(variant));
        AtomicBoolean stop = new AtomicBoolean();
        SimRobotNode[] started = {null};
        long[] start = {0};
        long[] nextReport = {0};
        long[] reported = {-1};
        SimRobotNode simNode = new SimRobotNode(name, spec, seed, rate, commandTimeout,
                new RosSettings(ros2.domain(), ros2.localhostOnly, namespace, List.of()))
                .contextFactory(() -> ros2.builder().build()).scanQos(qos).serveParameters(simParameters(spec))
                .logEpisodes(false)
                .keepGoing(sim -> {
                    long now = System.nanoTime();
                    EpisodeStats s = sim.stats();
                    if (reported[0] < 0) { // first tick: what runs where
                        start[0] = now;
                        nextReport[0] = now + 5_000_000_000L;
                        reported[0] = 0;
                        System.out.printf(Locale.ROOT, "%s on ROS domain %d as %s: %d robot(s), %.0f Hz control, real-time factor %s%n",
                                spec, started[0].domainId(), started[0].rosNode().fullyQualifiedName(), agents(sim),
                                1 / sim.controlPeriod(), rate == 0 ? "unbounded" : String.valueOf(rate));
                    }
                    if (s.episodes() != reported[0] || now > nextReport[0]) {
                        reported[0] = s.episodes();
                        nextReport[0] = now + 5_000_000_000L;
                        System.out.printf(Locale.ROOT, "t=%.1fs sim: %d episodes (%d success, %d collision, %d failure, "
                                        + "%d timeout), %d overruns, %d stale and %d invalid commands%n", sim.simTime(),
                                s.episodes(), s.successes(), s.collisions(), s.failures(), s.timeouts(), sim.overruns(),
                                sim.staleCommands(), sim.invalidCommands());
                    }
                    return !stop.get()
                            && (duration == null || now - start[0] < duration * 1e9)
                            && (episodes == null || s.episodes() < episodes * agents(sim));
                });
        started[0] = simNode;
        try (var live = foxglove.start(ros2.domain(), ros2.localhostOnly)) {
            CountDownLatch stopped = new CountDownLatch(1);
            // Ctrl-C: ask the loop to stop and give it a moment to close the DDS entities cleanly.
            Thread hook = new Thread(() -> {
                stop.set(true);
                try {
                    stopped.await(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "myelin-sim-node-stop");
            simNode.start();
            try {
                Runtime.getRuntime().addShutdownHook(hook);
                simNode.awaitEnd();
                if (simNode.failure() != null) {
                    throw new IllegalStateException(simNode.failure());
                }
                System.out.println("stopped: " + simNode.simulation().stats());
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is already exiting (Ctrl-C); the hook is waiting for the latch below
                }
            } finally {
                simNode.close();
                stopped.countDown();
            }
        }
        return 0;
    }

    private static int agents(RobotSimulation sim) {
        return sim instanceof SimNode wheeled ? wheeled.env().agents() : ((LeggedSimNode) sim).env().agents();
    }

    /** The sim node's settings as read-only parameters (they are fixed for the node's life). */
    private ParameterStore simParameters(TaskSpec spec) {
        String fixed = "set on the command line; restart the sim node to change it";
        java.util.List<ParameterDescriptor> declared = java.util.List.of(
                new ParameterDescriptor("task", ParameterType.STRING, "simulated task", true, null, null, ""),
                new ParameterDescriptor("variant", ParameterType.STRING, "nominal or real (reality-gap preset); " + fixed,
                        true, null, null, ""),
                new ParameterDescriptor("seed", ParameterType.INTEGER, "seed of the first episode; " + fixed, true, null, null, ""),
                new ParameterDescriptor("real_time_factor", ParameterType.DOUBLE, "simulated seconds per wall second, "
                        + "0 = unbounded; " + fixed, true, 0.0, null, ""),
                new ParameterDescriptor("command_timeout_s", ParameterType.DOUBLE, "cmd_vel older than this stops the robot; "
                        + fixed, true, 0.0, null, ""),
                new ParameterDescriptor("scan_qos", ParameterType.STRING, "QoS of scan; " + fixed, true, null, null, ""));
        java.util.Map<String, Object> values = new java.util.LinkedHashMap<>();
        values.put("task", spec.toString());
        values.put("variant", variant);
        values.put("seed", seed);
        values.put("real_time_factor", rate);
        values.put("command_timeout_s", commandTimeout);
        values.put("scan_qos", scanQos);
        return ParameterStore.immediate(declared, values, proposed -> null);
    }
}
