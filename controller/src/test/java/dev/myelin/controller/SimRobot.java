package dev.myelin.controller;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.node.SimNode;
import dev.myelin.sim.task.DiffDriveNav;

/** The simulated TurtleBot-class base (kinematic or MuJoCo) on ROS 2, ticking on its own thread at a real-time factor. */
final class SimRobot implements AutoCloseable {
    final SimNode sim;
    private final Node node;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lastTickNanos;
    private final dev.myelin.sim.task.MujocoNav physics;

    SimRobot(Context context, String options, long seed, double realTimeFactor) {
        this(context, DiffDriveNav.NAME, options, seed, realTimeFactor);
    }

    /** {@code task}: diffdrive-nav (the kinematic base) or mujoco-nav (the MuJoCo base). */
    SimRobot(Context context, String task, String options, long seed, double realTimeFactor) {
        node = context.createNode("myelin_sim");
        SimEnv env = new SimEnv(Tasks.simulator(TaskSpec.of(task).withOptions(options), 1));
        physics = env.simulator() instanceof dev.myelin.sim.task.MujocoNav m ? m : null;
        sim = new SimNode(node, env, seed, 0.5);
        thread = Thread.ofPlatform().name("sim").daemon(true).start(() -> sim.run(realTimeFactor, () -> {
            lastTickNanos = System.nanoTime();
            return running;
        }));
    }

    /** Stops ticking (and publishing); returns when the sim thread has ended. */
    void stop() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }

    /** When the sim thread last went to tick (and publish), System.nanoTime clock. */
    long lastTickNanos() {
        return lastTickNanos;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        sim.close();
        node.close();
        if (physics != null) {
            physics.close();
        }
    }
}
