package dev.myelin.launch.file;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.node.SimNode;

/**
 * {@code kind: sim-node}: simulated differential-drive robots on ROS 2 ({@link SimNode}) ticking on
 * their own thread at a real-time factor. Parameters: {@code task} (diffdrive-nav; mujoco-nav for the MuJoCo
 * base), {@code task_options}
 * (e.g. {@code beams=24}), {@code seed}, {@code rate} (real-time factor), {@code command_timeout},
 * {@code domain}, {@code localhost_only}, {@code log_episodes} (print each episode's end, default true).
 * Ready once it has published its first state.
 */
public final class SimRobotNode implements LaunchNode {

    /** Called on the sim thread before every tick (and once after the last); must not block. */
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
    private Context context;
    private Node node;
    private volatile SimNode sim;
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
        context = ros.open();
        try {
            node = context.createNode(name, ros.namespace(), ros.remapping());
            sim = new SimNode(node, new SimEnv(Tasks.simulator(spec, 1)), seed, commandTimeout);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
        runThread();
    }

    private void runThread() {
        running = true;
        SimNode s = sim;
        thread = Thread.ofPlatform().name("sim-" + name).daemon(true).start(() -> {
            try {
                s.run(rate, () -> {
                    TickObserver o = observer;
                    if (o != null) {
                        o.beforeTick(s);
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
                    return running;
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
        sim.close();
        if (sim.env().simulator() instanceof dev.myelin.sim.task.MujocoNav physics) {
            physics.close();
        }
        episodesLogged = 0;
        sim = new SimNode(node, new SimEnv(Tasks.simulator(spec, 1)), firstSeed, commandTimeout);
        if (whileStopped != null) {
            whileStopped.run();
        }
        runThread();
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
            sim.close();
            if (sim.env().simulator() instanceof dev.myelin.sim.task.MujocoNav physics) {
                physics.close();
            }
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
}
