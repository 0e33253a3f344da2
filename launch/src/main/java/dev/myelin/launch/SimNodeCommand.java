package dev.myelin.launch;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.param.ParameterDescriptor;
import dev.myelin.ros2.param.ParameterStore;
import dev.myelin.ros2.param.ParameterType;
import dev.myelin.sim.EpisodeStats;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.Variant;
import dev.myelin.sim.node.LeggedSimNode;
import dev.myelin.sim.node.RobotSimulation;
import dev.myelin.sim.node.SimNode;
import dev.myelin.sim.task.MujocoNav;
import dev.myelin.sim.task.QuadrupedWalk;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code ./myelin sim-node}: simulated robots on ROS 2 topics, in real time or faster. */
@Command(name = "sim-node", mixinStandardHelpOptions = true,
        description = {"Run simulated differential-drive robots as a ROS 2 node: publishes scan, odom, goal_pose, "
                + "/clock, sim/episode, /tf, /tf_static and /rosout, subscribes cmd_vel (under robot_<i>/ for several robots); the MuJoCo base "
                + "(mujoco-nav) adds imu and joint_states; the MuJoCo quadruped (quadruped-walk) publishes joint_states, "
                + "imu, odom and its commanded cmd_vel and takes forward_position_controller/commands. "
                + "Stops on Ctrl-C, after --duration or after --episodes."})
final class SimNodeCommand implements Callable<Integer> {

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
        SimEnv env = new SimEnv(Tasks.simulator(spec, 1));
        Context.Builder builder = ros2.builder();
        try (Context context = builder.build();
             var live = foxglove.start(ros2.domain, ros2.localhostOnly)) {
            Node node = context.createNode(name, namespace);
            node.serveParameters(simParameters(spec));
            RobotSimulation sim = env.simulator() instanceof QuadrupedWalk
                    ? new LeggedSimNode(node, env, seed, commandTimeout)
                    : new SimNode(node, env, seed, commandTimeout, qos);
            try {
                System.out.printf(Locale.ROOT, "%s on ROS domain %d as %s: %d robot(s), %.0f Hz control, real-time factor %s%n",
                        spec, context.domainId(), node.fullyQualifiedName(), env.agents(), 1 / env.controlPeriod(),
                        rate == 0 ? "unbounded" : String.valueOf(rate));
                long start = System.nanoTime();
                long[] nextReport = {start + 5_000_000_000L};
                long[] reported = {0};
                AtomicBoolean stop = new AtomicBoolean();
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
                Runtime.getRuntime().addShutdownHook(hook);
                sim.run(rate, () -> {
                    long now = System.nanoTime();
                    EpisodeStats s = sim.stats();
                    if (s.episodes() != reported[0] || now > nextReport[0]) {
                        reported[0] = s.episodes();
                        nextReport[0] = now + 5_000_000_000L;
                        System.out.printf(Locale.ROOT, "t=%.1fs sim: %d episodes (%d success, %d collision, %d failure, "
                                        + "%d timeout), %d overruns, %d stale and %d invalid commands%n", sim.simTime(),
                                s.episodes(), s.successes(), s.collisions(), s.failures(), s.timeouts(), sim.overruns(),
                                sim.staleCommands(), sim.invalidCommands());
                    }
                    return !stop.get()
                            && (duration == null || now - start < duration * 1e9)
                            && (episodes == null || s.episodes() < episodes * env.agents());
                });
                System.out.println("stopped: " + sim.stats());
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is already exiting (Ctrl-C); the hook is waiting for the latch below
                }
                sim.close();
                context.close();
                stopped.countDown();
            } finally {
                if (env.simulator() instanceof MujocoNav m) {
                    m.close();
                } else if (env.simulator() instanceof QuadrupedWalk q) {
                    q.close();
                }
            }
        }
        return 0;
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
