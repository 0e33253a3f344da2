package dev.myelin.sim.mujoco;

import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.BoxSpace.Kind;
import dev.myelin.sim.Outcome;
import dev.myelin.sim.random.RandomizationSpec;
import dev.myelin.sim.random.SplitMix;

import java.util.List;
import java.util.Locale;

/**
 * The MuJoCo locomotion benchmarks as Gymnasium's v4 tasks define them, on this project's own MJCF
 * models ({@code hopper.xml}, {@code halfcheetah.xml}, {@code walker2d.xml}, {@code ant.xml} in this
 * package's resources) with the documented bodies, joints, ranges, gears and masses.
 *
 * <pre>
 *   reward     = w_fwd * v_x + healthy - c_ctrl * |a|^2 - c_contact * |clip(cfrc_ext, -1, 1)|^2
 *   v_x        = (x_after - x_before) / dt,   dt = timestep * frame_skip
 *   healthy    = healthy_reward while healthy (also on the terminating step, as v4 with
 *                terminate_when_unhealthy)
 * </pre>
 *
 * <table>
 * <tr><th>task</th><th>obs</th><th>frame skip</th><th>c_ctrl</th><th>healthy</th><th>reset noise</th></tr>
 * <tr><td>hopper</td><td>qpos[1:] (5), clip(qvel, ±10) (6)</td><td>4</td><td>1e-3</td>
 *     <td>1, z &gt; 0.7, |angle| &lt; 0.2, |qpos[2:], qvel| &lt; 100</td><td>U(±5e-3) on qpos and qvel</td></tr>
 * <tr><td>walker2d</td><td>qpos[1:] (8), clip(qvel, ±10) (9)</td><td>4</td><td>1e-3</td>
 *     <td>1, 0.8 &lt; z &lt; 2, |angle| &lt; 1</td><td>U(±5e-3) on qpos and qvel</td></tr>
 * <tr><td>halfcheetah</td><td>qpos[1:] (8), qvel (9)</td><td>5</td><td>0.1</td><td>none, never
 *     terminates</td><td>U(±0.1) on qpos, N(0, 0.1) on qvel</td></tr>
 * <tr><td>ant</td><td>qpos[2:] (13), qvel (14) [, clip(cfrc_ext, ±1) (84) with
 *     {@code contact_forces=true}]</td><td>5</td><td>0.5</td><td>1, finite state, 0.2 &le; z &le; 1</td>
 *     <td>U(±0.1) on qpos, N(0, 0.1) on qvel</td></tr>
 * </table>
 * Ant's contact cost (c_contact = 5e-4) applies only with {@code contact_forces=true}, as in v4,
 * and its x is the torso body's position; the planar robots' x is {@code qpos[0]}. Episodes are
 * truncated after 1000 steps.
 */
public final class Locomotion extends MujocoTask {
    /** The four tasks and their constants. */
    public enum Robot {
        HOPPER("hopper", 4, 1e-3, 1.0, 5e-3, false, 1, 10.0),
        WALKER2D("walker2d", 4, 1e-3, 1.0, 5e-3, false, 1, 10.0),
        HALFCHEETAH("halfcheetah", 5, 0.1, 0.0, 0.1, true, 1, Double.POSITIVE_INFINITY),
        ANT("ant", 5, 0.5, 1.0, 0.1, true, 2, Double.POSITIVE_INFINITY);

        final String task;
        final int frameSkip;
        final double ctrlCost;
        final double healthyReward;
        final double resetNoise;
        final boolean gaussianVelocityNoise;
        final int excludedPositions;
        final double velocityClip;

        Robot(String task, int frameSkip, double ctrlCost, double healthyReward, double resetNoise,
              boolean gaussianVelocityNoise, int excludedPositions, double velocityClip) {
            this.task = task;
            this.frameSkip = frameSkip;
            this.ctrlCost = ctrlCost;
            this.healthyReward = healthyReward;
            this.resetNoise = resetNoise;
            this.gaussianVelocityNoise = gaussianVelocityNoise;
            this.excludedPositions = excludedPositions;
            this.velocityClip = velocityClip;
        }

        /** Registered task name. */
        public String task() {
            return task;
        }

        /** Physics steps per control period. */
        public int frameSkip() {
            return frameSkip;
        }

        /** The MJCF resource of this package. */
        public String resource() {
            return task + ".xml";
        }

        public static Robot of(String task) {
            for (Robot r : values()) {
                if (r.task.equals(task)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("unknown locomotion task '" + task + "'");
        }
    }

    public static final int MAX_STEPS = 1000;
    public static final double FORWARD_REWARD_WEIGHT = 1.0;
    public static final double CONTACT_COST_WEIGHT = 5e-4;
    public static final List<String> NAMES = List.of("hopper", "halfcheetah", "walker2d", "ant");

    private final Robot robot;
    private final boolean contactForces;
    private final int nq;
    private final int nv;
    private final int nbody;
    private final int torso;
    private final double[] xBefore;
    private final double[] forwardReward;
    private final double[] controlCost;
    private final double[] contactCost;
    private final double[] healthyReward;

    private Locomotion(Robot robot, MjModel model, int worlds, boolean contactForces, int maxSteps,
                       RandomizationSpec rand) {
        super(robot.task, model, allActuators(model), worlds, observationSpace(robot, model, contactForces),
                actionSpace(model), robot.frameSkip, maxSteps, List.of(), rand);
        this.robot = robot;
        this.contactForces = contactForces;
        this.nq = model.nq();
        this.nv = model.nv();
        this.nbody = model.nbody();
        this.torso = model.require(MjObject.BODY, "torso", robot.task);
        xBefore = new double[worlds];
        forwardReward = new double[worlds];
        controlCost = new double[worlds];
        contactCost = new double[worlds];
        healthyReward = new double[worlds];
    }

    /**
     * Builds {@code worlds} worlds of a locomotion task.
     *
     * @param contactForces Ant only: observe {@code cfrc_ext} and pay the contact cost (v4's
     *                      {@code use_contact_forces})
     */
    public static Locomotion create(Robot robot, int worlds, boolean contactForces, RandomizationSpec rand) {
        return create(robot, worlds, contactForces, MAX_STEPS, rand);
    }

    /** As {@link #create(Robot, int, boolean, RandomizationSpec)} with episodes truncated after {@code maxSteps}. */
    public static Locomotion create(Robot robot, int worlds, boolean contactForces, int maxSteps, RandomizationSpec rand) {
        if (contactForces && robot != Robot.ANT) {
            throw new IllegalArgumentException(robot.task + ": contact_forces is an option of ant only");
        }
        MjModel model = MujocoModels.load(robot.resource());
        try {
            return new Locomotion(robot, model, worlds, contactForces, maxSteps, rand);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public Robot robot() {
        return robot;
    }

    private static BoxSpace observationSpace(Robot robot, MjModel m, boolean contactForces) {
        BoxSpace.Builder b = BoxSpace.builder();
        float inf = Float.POSITIVE_INFINITY;
        Coordinates c = Coordinates.of(m);
        String[] qposNames = c.positionNames();
        String[] qposUnits = c.positionUnits();
        String[] qvelNames = c.velocityNames();
        String[] qvelUnits = c.velocityUnits();
        for (int i = robot.excludedPositions; i < m.nq(); i++) {
            b.add(qposNames[i], qposUnits[i], -inf, inf, Kind.POSITION);
        }
        float clip = (float) robot.velocityClip;
        for (int i = 0; i < m.nv(); i++) {
            b.add(qvelNames[i], qvelUnits[i], -clip, clip, Kind.VELOCITY);
        }
        if (contactForces) {
            String[] axes = {"tx", "ty", "tz", "fx", "fy", "fz"};
            for (int body = 0; body < m.nbody(); body++) {
                String n = m.name(MjObject.BODY, body);
                n = n.isEmpty() ? "body" + body : n;
                for (int k = 0; k < 6; k++) {
                    b.add("cfrc_ext_" + n + "_" + axes[k], k < 3 ? "N m" : "N", -1f, 1f, Kind.FORCE);
                }
            }
        }
        return b.build();
    }

    private static int[] allActuators(MjModel m) {
        return java.util.stream.IntStream.range(0, m.nu()).toArray();
    }

    private static BoxSpace actionSpace(MjModel m) {
        BoxSpace.Builder b = BoxSpace.builder();
        MjArray range = m.array("actuator_ctrlrange");
        List<String> names = m.names(MjObject.ACTUATOR);
        MjArray trn = m.array("actuator_trnid");
        for (int i = 0; i < m.nu(); i++) {
            String n = names.get(i).isEmpty() ? m.name(MjObject.JOINT, trn.getInt(i * 2)) : names.get(i);
            b.add(n, "1 (x gear N m)", (float) range.get(i, 0), (float) range.get(i, 1), Kind.COMMAND);
        }
        return b.build();
    }

    @Override
    protected boolean needsContactForces() {
        return contactForces;
    }

    @Override
    protected void initialState(int world, MjData d) {
        double s = robot.resetNoise;
        MjArray qpos = d.qpos();
        MjArray qvel = d.qvel();
        for (int i = 0; i < nq; i++) {
            qpos.set(i, qpos.get(i) + s * (2.0 * SplitMix.nextDouble(random, world) - 1.0));
        }
        for (int i = 0; i < nv; i++) {
            double noise = robot.gaussianVelocityNoise ? SplitMix.nextGaussian(random, world)
                    : 2.0 * SplitMix.nextDouble(random, world) - 1.0;
            qvel.set(i, qvel.get(i) + s * noise);
        }
    }

    private double x(MjData d) {
        return robot == Robot.ANT ? d.xpos().get(torso * 3) : d.qpos().get(0);
    }

    @Override
    protected void beforeStep(int world, MjData d) {
        xBefore[world] = x(d);
    }

    @Override
    protected Outcome score(int world, MjData d, float[] action, int offset, double dt) {
        double forward = FORWARD_REWARD_WEIGHT * (x(d) - xBefore[world]) / dt;
        double ctrl = 0;
        for (int i = 0; i < actionSize; i++) {
            double u = action[offset + i];
            ctrl += u * u;
        }
        ctrl *= robot.ctrlCost;
        double contact = 0;
        if (contactForces) {
            MjArray f = d.cfrcExt();
            for (int i = 0; i < nbody * 6; i++) {
                double c = Math.max(-1.0, Math.min(1.0, f.get(i)));
                contact += c * c;
            }
            contact *= CONTACT_COST_WEIGHT;
        }
        boolean healthy = healthy(d);
        double alive = robot.healthyReward;
        forwardReward[world] = forward;
        controlCost[world] = ctrl;
        contactCost[world] = contact;
        healthyReward[world] = alive;
        rewards[world] = (float) (forward + alive - ctrl - contact);
        return healthy ? Outcome.RUNNING : Outcome.FAILURE;
    }

    /** Gymnasium v4's is_healthy for this robot on the current state. */
    public boolean healthy(MjData d) {
        MjArray qpos = d.qpos();
        MjArray qvel = d.qvel();
        switch (robot) {
            case HOPPER -> {
                double z = qpos.get(1);
                double angle = qpos.get(2);
                for (int i = 2; i < nq; i++) {
                    double v = qpos.get(i);
                    if (!(-100 < v && v < 100)) {
                        return false;
                    }
                }
                for (int i = 0; i < nv; i++) {
                    double v = qvel.get(i);
                    if (!(-100 < v && v < 100)) {
                        return false;
                    }
                }
                return 0.7 < z && -0.2 < angle && angle < 0.2;
            }
            case WALKER2D -> {
                double z = qpos.get(1);
                double angle = qpos.get(2);
                return 0.8 < z && z < 2.0 && -1 < angle && angle < 1;
            }
            case HALFCHEETAH -> {
                return true;
            }
            case ANT -> {
                for (int i = 0; i < nq; i++) {
                    if (!Double.isFinite(qpos.get(i))) {
                        return false;
                    }
                }
                for (int i = 0; i < nv; i++) {
                    if (!Double.isFinite(qvel.get(i))) {
                        return false;
                    }
                }
                double z = qpos.get(2);
                return 0.2 <= z && z <= 1.0;
            }
            default -> throw new AssertionError(robot);
        }
    }

    @Override
    protected void observe(int world, MjData d, float[] out, int offset) {
        int k = offset;
        MjArray qpos = d.qpos();
        MjArray qvel = d.qvel();
        for (int i = robot.excludedPositions; i < nq; i++) {
            out[k++] = (float) qpos.get(i);
        }
        double clip = robot.velocityClip;
        for (int i = 0; i < nv; i++) {
            out[k++] = (float) Math.max(-clip, Math.min(clip, qvel.get(i)));
        }
        if (contactForces) {
            MjArray f = d.cfrcExt();
            for (int i = 0; i < nbody * 6; i++) {
                out[k++] = (float) Math.max(-1.0, Math.min(1.0, f.get(i)));
            }
        }
    }

    /** The last step's reward terms of {@code world}: forward, healthy, control cost, contact cost. */
    public double rewardTerm(int world, String term) {
        return switch (term.toLowerCase(Locale.ROOT)) {
            case "forward" -> forwardReward[world];
            case "healthy" -> healthyReward[world];
            case "control" -> controlCost[world];
            case "contact" -> contactCost[world];
            default -> throw new IllegalArgumentException("unknown reward term '" + term
                    + "' (forward, healthy, control, contact)");
        };
    }
}
