package dev.myelin.sim.render;

import dev.myelin.sim.Actor;
import dev.myelin.sim.Env;
import dev.myelin.sim.Evaluation;
import dev.myelin.sim.Outcome;
import dev.myelin.sim.Transition;
import dev.myelin.sim.mujoco.MujocoTask;
import dev.myelin.sim.task.CartPoleSwingUp;
import dev.myelin.sim.task.DiffDriveNav;
import dev.myelin.sim.task.Pendulum;
import dev.myelin.sim.task.Task;

import java.util.Arrays;

/**
 * One episode of a one-world env, recorded for drawing: per step and per agent the plant's pose
 * (navigation: x, y, heading; pendulum: angle; cart-pole: cart position and pole angle), the
 * commanded action and the reward; at the end the lidar scan of every robot and the outcomes.
 * Recording reads the simulator's state after each step; it is not meant for the training path.
 * One thread.
 */
public final class EpisodeRecording {
    private final Task task;
    private final long seed;
    private final int agents;
    private final int actionSize;
    private int steps;
    private double[] poseA = new double[256];
    private double[] poseB = new double[256];
    private double[] poseC = new double[256];
    private float[] actions = new float[256];
    private float[] rewards = new float[256];
    private float[][] finalScans;
    private final BodyFrames bodies;
    private Outcome[] outcomes;
    private double episodeReturn;

    private EpisodeRecording(Task task, long seed) {
        this.task = task;
        this.seed = seed;
        this.agents = task.agents();
        this.actionSize = task.actionSpace().size();
        this.bodies = task instanceof MujocoTask m ? new BodyFrames(m.model(0)) : null;
    }

    /**
     * Runs one episode of {@code env} from {@code seed}, driven by {@code actor}, reading plant state from
     * {@code simulator} (the one-world task behind {@code env}).
     */
    public static EpisodeRecording record(Env env, Task simulator, Actor actor, long seed) {
        if (simulator.worlds() != 1) {
            throw new IllegalArgumentException("recording needs a one-world simulator");
        }
        EpisodeRecording rec = new EpisodeRecording(simulator, seed);
        float[] obs = env.reset(seed);
        float[] action = new float[env.agents() * env.actionSpace().size()];
        rec.capture(new float[action.length], 0f);
        Transition t = Evaluation.episode(env, actor, obs, action, step -> rec.capture(action, step.reward()));
        rec.episodeReturn = t.episodeReturn();
        rec.outcomes = new Outcome[rec.agents];
        for (int a = 0; a < rec.agents; a++) {
            rec.outcomes[a] = t.outcome(a);
        }
        if (simulator instanceof DiffDriveNav nav) {
            int beams = nav.lidar().beams();
            int size = nav.observationSpace().size();
            rec.finalScans = new float[rec.agents][];
            for (int a = 0; a < rec.agents; a++) {
                rec.finalScans[a] = Arrays.copyOfRange(nav.observations(), a * size, a * size + beams);
            }
        }
        return rec;
    }

    private void capture(float[] action, float reward) {
        int need = (steps + 1) * agents;
        if (need > poseA.length) {
            int cap = Math.max(need, poseA.length * 2);
            poseA = Arrays.copyOf(poseA, cap);
            poseB = Arrays.copyOf(poseB, cap);
            poseC = Arrays.copyOf(poseC, cap);
        }
        if ((steps + 1) * agents * actionSize > actions.length) {
            actions = Arrays.copyOf(actions, Math.max((steps + 1) * agents * actionSize, actions.length * 2));
        }
        if (steps + 1 > rewards.length) {
            rewards = Arrays.copyOf(rewards, rewards.length * 2);
        }
        for (int a = 0; a < agents; a++) {
            int i = steps * agents + a;
            switch (task) {
                case DiffDriveNav nav -> {
                    poseA[i] = nav.robotX(a);
                    poseB[i] = nav.robotY(a);
                    poseC[i] = nav.robotHeading(a);
                }
                case Pendulum p -> poseA[i] = p.angle(a);
                case CartPoleSwingUp c -> {
                    poseA[i] = c.cartPosition(a);
                    poseB[i] = c.poleAngle(a);
                }
                case MujocoTask m -> {
                    bodies.capture(m.data(0));
                    poseA[i] = m.data(0).xpos().get(1, 0);
                    poseB[i] = m.data(0).xpos().get(1, 2);
                }
                default -> throw new IllegalArgumentException("no recording for task " + task.name());
            }
        }
        System.arraycopy(action, 0, actions, steps * agents * actionSize, agents * actionSize);
        rewards[steps] = reward;
        steps++;
    }

    /** The recorded simulator (its final state is the episode's end). */
    public Task task() {
        return task;
    }

    public long seed() {
        return seed;
    }

    public int agents() {
        return agents;
    }

    /** Recorded states: the start plus one per step. */
    public int states() {
        return steps;
    }

    /** First pose coordinate of {@code agent} at state {@code k} (x, angle or cart position). */
    public double poseA(int k, int agent) {
        return poseA[k * agents + agent];
    }

    /** Second pose coordinate (y or pole angle). */
    public double poseB(int k, int agent) {
        return poseB[k * agents + agent];
    }

    /** Third pose coordinate (heading). */
    public double poseC(int k, int agent) {
        return poseC[k * agents + agent];
    }

    /** Action component {@code c} of {@code agent} that led to state {@code k} (zero for the start). */
    public float action(int k, int agent, int c) {
        return actions[(k * agents + agent) * actionSize + c];
    }

    /** Mean reward of the step that led to state {@code k}. */
    public float reward(int k) {
        return rewards[k];
    }

    /** The MuJoCo geoms per recorded state (MuJoCo tasks), or null. */
    public BodyFrames bodies() {
        return bodies;
    }

    /** The last lidar scan of {@code agent} (navigation tasks), or null. */
    public float[] finalScan(int agent) {
        return finalScans == null ? null : finalScans[agent].clone();
    }

    public Outcome outcome(int agent) {
        return outcomes[agent];
    }

    public double episodeReturn() {
        return episodeReturn;
    }
}
