package dev.myelin.launch.file;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.param.ParameterStore;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.node.LeggedSimNode;
import dev.myelin.sim.node.RobotSimulation;
import dev.myelin.sim.node.SimNode;
import dev.myelin.sim.task.MujocoNav;
import dev.myelin.sim.task.QuadrupedWalk;

import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@code kind: sim-node}: simulated robots on ROS 2 ({@link SimNode} for the wheeled bases, {@link LeggedSimNode} for
 * the quadruped) ticking on their own thread at a real-time factor; {@code ./myelin sim-node} starts the same node. Parameters: {@code task} (diffdrive-nav; mujoco-nav for the MuJoCo
 * base), {@code task_options}
 * (e.g. {@code beams=24}), {@code seed}, {@code rate} (real-time factor), {@code command_timeout},
 * {@code domain}, {@code localhost_only}, {@code log_episodes} (print each episode's end, default true).
 * Ready once it has published its first state.
 */
public final class SimRobotNode implements LaunchNode {

    /** Called on the sim thread of a wheeled simulation before every tick (and once after the last); must not block. */
    public interface TickObserver {
        void beforeTick(SimNode sim);
    }

    private final String name;
    private final TaskSpec spec;
    private final long seed;
    private final double rate;
    private final double commandTimeout;
    private final RosSettings ros;
    private volatile TickObserver observer;
    private Qos scanQos = Qos.SENSOR_DATA;
    private Supplier<Context> contextFactory;
    private ParameterStore parameters;
    private Predicate<RobotSimulation> keepGoing = s -> true;
    private Context context;
    private Node node;
    private volatile RobotSimulation sim;
    private Thread thread;
    private volatile boolean running;
    private volatile boolean ticked;
    private volatile String failure;
    private boolean logEpisodes;
    private long episodesLogged;

    public SimRobotNode(String name, TaskSpec spec, long seed, double rate, double commandTimeout, RosSettings ros) {
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("real-time factor must be finite and >= 0, got " + rate);
        }
        this.name = name;
        this.spec = spec;
        this.seed = seed;
        this.rate = rate;
        this.commandTimeout = commandTimeout;
        this.ros = ros;
    }

    static SimRobotNode of(LaunchFile.NodeSpec s) {
        NodeParams p = s.params();
        String task = p.string("task", "diffdrive-nav");
        if (!Tasks.names().contains(task)) {
            throw p.error("task", "unknown task '" + task + "' (known: " + String.join(", ", Tasks.names()) + ")");
        }
        TaskSpec spec;
        try {
            spec = TaskSpec.of(task).withOptions(p.string("task_options", null));
        } catch (IllegalArgumentException e) {
            throw p.error("task_options", e.getMessage());
        }
        return new SimRobotNode(s.name(), spec, p.integer("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE),
                p.real("rate", 1, 0, 1000), p.real("command_timeout", 0.5, 0.001, 60), RosSettings.of(s))
                .logEpisodes(p.bool("log_episodes", true));
    }

    /** Prints a line when an episode ends (before {@link #start()}). */
    public SimRobotNode logEpisodes(boolean on) {
        this.logEpisodes = on;
        return this;
    }

    /** The QoS of the wheeled robots' {@code scan} (default sensor data, best effort). Before {@link #start()}. */
    public SimRobotNode scanQos(Qos qos) {
        this.scanQos = qos;
        return this;
    }

    /** Opens the node's ROS context with {@code open} instead of from its {@link RosSettings}' domain and loopback. */
    public SimRobotNode contextFactory(Supplier<Context> open) {
        this.contextFactory = open;
        return this;
    }

    /** Serves {@code store} as the node's ROS parameters. Before {@link #start()}. */
    public SimRobotNode serveParameters(ParameterStore store) {
        this.parameters = store;
        return this;
    }

    /**
     * Ticks only while {@code condition} holds (checked on the sim thread before every tick; must not block); once it
     * fails the thread ends and the node stays open ({@link #awaitEnd}). Before {@link #start()}.
     */
    public SimRobotNode keepGoing(Predicate<RobotSimulation> condition) {
        this.keepGoing = condition;
        return this;
    }

    /** Sets the observer (before {@link #start()}). */
    public SimRobotNode observer(TickObserver o) {
        this.observer = o;
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() {
        context = contextFactory != null ? contextFactory.get() : ros.open();
        try {
            node = context.createNode(name, ros.namespace(), ros.remapping());
            if (parameters != null) {
                node.serveParameters(parameters);
            }
            sim = simulation(spec, seed);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
        runThread();
    }

    private RobotSimulation simulation(TaskSpec task, long firstSeed) {
        SimEnv env = new SimEnv(Tasks.simulator(task, 1));
        return env.simulator() instanceof QuadrupedWalk
                ? new LeggedSimNode(node, env, firstSeed, commandTimeout)
                : new SimNode(node, env, firstSeed, commandTimeout, scanQos);
    }

    private void runThread() {
        running = true;
        RobotSimulation s = sim;
        thread = Thread.ofPlatform().name("sim-" + name).daemon(true).start(() -> {
            try {
                s.run(rate, () -> {
                    TickObserver o = observer;
                    if (o != null && s instanceof SimNode wheeled) {
                        o.beforeTick(wheeled);
                    }
                    if (s.ticks() > 0) {
                        ticked = true;
                    }
                    if (logEpisodes && s.stats().episodes() != episodesLogged) {
                        episodesLogged = s.stats().episodes();
                        var st = s.stats();
                        System.out.printf(java.util.Locale.ROOT, "[%s] %d episodes: %d success, %d collision, %d timeout; "
                                        + "mean return %.1f%n", name, st.episodes(), st.successes(), st.collisions(),
                                st.timeouts(), st.meanReturn());
                    }
                    return running && keepGoing.test(s);
                });
            } catch (RuntimeException | Error e) {
                failure = "sim thread failed: " + e;
            }
        });
    }

    /**
     * Starts the world over: stops ticking, replaces the simulation with a fresh one whose first episode
     * has {@code firstSeed} (its topics are created again on the same node), runs {@code whileStopped} on
     * the calling thread while nothing ticks, and ticks again. For comparing policies on the same episodes.
     */
    public void restartEpisodes(long firstSeed, Runnable whileStopped) throws InterruptedException {
        stop();
        closeSimulation();
        episodesLogged = 0;
        sim = simulation(spec, firstSeed);
        if (whileStopped != null) {
            whileStopped.run();
        }
        runThread();
    }

    /** The simulation (after {@link #start()}); its counters belong to the sim thread while it runs. */
    public RobotSimulation simulation() {
        return sim;
    }

    /** The ROS node (after {@link #start()}). */
    public Node rosNode() {
        return node;
    }

    /** Waits for the sim thread to end ({@link #keepGoing} failed, {@link #stop} or a failure). */
    public void awaitEnd() throws InterruptedException {
        if (thread != null) {
            thread.join();
        }
    }

    /** The ROS domain the node joined (after start). */
    public int domainId() {
        return context.domainId();
    }

    @Override
    public boolean ready() {
        return ticked;
    }

    @Override
    public String failure() {
        return failure;
    }

    /** Stops ticking and waits for the sim thread (the node stays open). */
    public void stop() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(5_000);
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sim != null) {
            closeSimulation();
            sim = null;
        }
        if (node != null) {
            node.close();
            node = null;
        }
        if (context != null) {
            context.close();
            context = null;
        }
    }

    /** Closes the simulated robots' topics and the physics behind them. */
    private void closeSimulation() {
        RobotSimulation s = sim;
        s.close();
        if (s instanceof SimNode w && w.env().simulator() instanceof MujocoNav physics) {
            physics.close();
        } else if (s instanceof LeggedSimNode l && l.env().simulator() instanceof QuadrupedWalk physics) {
            physics.close();
        }
    }
}
