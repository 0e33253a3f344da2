package dev.myelin.sim.mujoco;

import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.BoxSpace.Kind;
import dev.myelin.sim.Outcome;
import dev.myelin.sim.random.RandomizationSpec;
import dev.myelin.sim.random.SplitMix;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A user's own robot as a task: any MJCF model with actuators plus an {@link MjcfTaskSpec} that
 * declares what is observed, which actuators act, and how steps are rewarded and end. Registered as
 * {@code mjcf:PATH.xml} with the option {@code task_spec=SPEC.yaml}. Every name the spec uses is
 * resolved when the task is built; a missing one is refused with the spec file, the spec key and the
 * name, and the names the model does have.
 *
 * <p>As everywhere in MuJoCo, quantities derived during {@code mj_step} (body poses and velocities,
 * sensors, contacts) describe the state at the start of the control period's last physics step,
 * while joint positions and velocities are the integrated state.
 */
public final class MjcfTask extends MujocoTask {
    /** Prefix of task names that load an MJCF file. */
    public static final String PREFIX = "mjcf:";
    /** Task option naming the spec file. */
    public static final String SPEC_OPTION = "task_spec";

    private static final Set<String> VELOCITY_SENSORS = Set.of("mjSENS_ACCELEROMETER", "mjSENS_VELOCIMETER",
            "mjSENS_GYRO", "mjSENS_JOINTVEL", "mjSENS_TENDONVEL", "mjSENS_ACTUATORVEL", "mjSENS_BALLANGVEL",
            "mjSENS_FRAMELINVEL", "mjSENS_FRAMEANGVEL", "mjSENS_FRAMELINACC", "mjSENS_FRAMEANGACC",
            "mjSENS_SUBTREELINVEL", "mjSENS_SUBTREEANGMOM");
    private static final Set<String> FORCE_SENSORS = Set.of("mjSENS_TOUCH", "mjSENS_FORCE", "mjSENS_TORQUE",
            "mjSENS_ACTUATORFRC");

    /** Where each observation component comes from. */
    private static final byte QPOS = 0, QVEL = 1, SENSOR = 2, QUAT = 3, LINVEL = 4, ANGVEL = 5;

    private final MjcfTaskSpec spec;
    private final byte[] source;
    private final int[] index;
    private final int nq;
    private final int nv;
    private final int nbody;
    private final int[] rootOf;

    // reward terms (weight 0 = absent) and their bodies
    private final double velocityWeight;
    private final int velocityBody;
    private final double[] velocityTarget;
    private final double velocitySigma;
    private final double headingWeight;
    private final int headingBody;
    private final double headingTarget;
    private final double goalWeight;
    private final int goalBody;
    private final double[] goal;
    private final double goalRadius;
    private final double goalBonus;
    private final double uprightWeight;
    private final int uprightBody;
    private final double controlWeight;
    private final double contactWeight;
    private final double aliveWeight;
    // termination
    private final int heightBody;
    private final double heightMin;
    private final double heightMax;
    private final int tiltBody;
    private final double tiltCos;
    private final boolean[] contactGeoms;
    private final double[] goalDistanceBefore;

    private MjcfTask(String name, MjModel model, MjcfTaskSpec spec, Layout layout, int worlds, RandomizationSpec rand) {
        super(name, model, layout.actuators, worlds, layout.observation, layout.action, spec.frameSkip(), spec.maxSteps(),
                List.of(), rand);
        this.spec = spec;
        this.source = layout.source;
        this.index = layout.index;
        this.nq = model.nq();
        this.nv = model.nv();
        this.nbody = model.nbody();
        this.rootOf = new int[nbody];
        for (int b = 0; b < nbody; b++) {
            rootOf[b] = model.array("body_rootid").getInt(b);
        }
        String f = spec.source().toString();
        Map<String, Map<String, Object>> r = spec.reward();
        Map<String, Object> t;
        t = r.get("track_velocity");
        velocityWeight = weight(t, f, "reward.track_velocity.");
        velocityBody = t == null ? -1 : body(model, t, f, "reward.track_velocity.");
        velocityTarget = t == null ? new double[2] : MjcfTaskSpec.vector(t, "target", 2, f, "reward.track_velocity.");
        velocitySigma = t == null ? 1 : MjcfTaskSpec.number(t, "sigma", 0.25, f, "reward.track_velocity.");
        t = r.get("track_heading");
        headingWeight = weight(t, f, "reward.track_heading.");
        headingBody = t == null ? -1 : body(model, t, f, "reward.track_heading.");
        headingTarget = t == null ? 0 : MjcfTaskSpec.number(t, "target", 0.0, f, "reward.track_heading.");
        t = r.get("reach_goal");
        goalWeight = weight(t, f, "reward.reach_goal.");
        goalBody = t == null ? -1 : body(model, t, f, "reward.reach_goal.");
        goal = t == null ? new double[2] : MjcfTaskSpec.vector(t, "goal", 2, f, "reward.reach_goal.");
        goalRadius = t == null ? 0 : MjcfTaskSpec.number(t, "radius", 0.25, f, "reward.reach_goal.");
        goalBonus = t == null ? 0 : MjcfTaskSpec.number(t, "bonus", 0.0, f, "reward.reach_goal.");
        t = r.get("upright");
        uprightWeight = weight(t, f, "reward.upright.");
        uprightBody = t == null ? -1 : body(model, t, f, "reward.upright.");
        controlWeight = weight(r.get("control_cost"), f, "reward.control_cost.");
        contactWeight = weight(r.get("contact_cost"), f, "reward.contact_cost.");
        aliveWeight = weight(r.get("alive"), f, "reward.alive.");
        if (!(velocitySigma > 0)) {
            throw new IllegalArgumentException(f + ": reward.track_velocity.sigma must be > 0, got " + velocitySigma);
        }
        Map<String, Map<String, Object>> e = spec.termination();
        t = e.get("body_height");
        heightBody = t == null ? -1 : body(model, t, f, "termination.body_height.");
        heightMin = t == null ? 0 : MjcfTaskSpec.number(t, "min", Double.NEGATIVE_INFINITY, f, "termination.body_height.");
        heightMax = t == null ? 0 : MjcfTaskSpec.number(t, "max", Double.POSITIVE_INFINITY, f, "termination.body_height.");
        t = e.get("tilt");
        tiltBody = t == null ? -1 : body(model, t, f, "termination.tilt.");
        tiltCos = t == null ? -2 : Math.cos(Math.toRadians(MjcfTaskSpec.number(t, "max_degrees", Double.NaN, f,
                "termination.tilt.")));
        t = e.get("contact");
        contactGeoms = new boolean[model.ngeom()];
        if (t != null) {
            Object g = t.get("geoms");
            if (!(g instanceof List<?> list) || list.isEmpty()) {
                throw new IllegalArgumentException(f + ": termination.contact.geoms must list geom names");
            }
            for (int i = 0; i < list.size(); i++) {
                contactGeoms[model.require(MjObject.GEOM, String.valueOf(list.get(i)),
                        f + ": termination.contact.geoms[" + i + "]")] = true;
            }
        }
        goalDistanceBefore = new double[worlds];
    }

    /**
     * Builds {@code worlds} worlds of the robot in {@code xml} under the spec in {@code specFile}.
     *
     * @throws IllegalArgumentException naming the file, the spec key and the missing name when anything is wrong;
     *                                  nothing stays allocated
     */
    public static MjcfTask create(Path xml, Path specFile, int worlds, RandomizationSpec rand) {
        MjcfTaskSpec spec = MjcfTaskSpec.load(specFile);
        MjModel model = MjModel.load(xml);
        try {
            if (model.nu() == 0) {
                throw new IllegalArgumentException(xml + ": the model has no actuators, so nothing can act");
            }
            Layout layout = layout(model, spec);
            return new MjcfTask(PREFIX + xml, model, spec, layout, worlds, rand);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The spec this task was built from. */
    public MjcfTaskSpec spec() {
        return spec;
    }

    private static double weight(Map<String, Object> t, String file, String prefix) {
        return t == null ? 0 : MjcfTaskSpec.number(t, "weight", 1.0, file, prefix);
    }

    private static int body(MjModel m, Map<String, Object> t, String file, String prefix) {
        return m.require(MjObject.BODY, MjcfTaskSpec.name(t, "body", file, prefix), file + ": " + prefix + "body");
    }

    private record Layout(BoxSpace observation, BoxSpace action, int[] actuators, byte[] source, int[] index) {
    }

    private static Layout layout(MjModel m, MjcfTaskSpec spec) {
        String f = spec.source().toString();
        BoxSpace.Builder ob = BoxSpace.builder();
        List<Byte> src = new ArrayList<>();
        List<Integer> idx = new ArrayList<>();
        float inf = Float.POSITIVE_INFINITY;
        Coordinates c = Coordinates.of(m);
        MjArray qadr = m.array("jnt_qposadr");
        MjArray dadr = m.array("jnt_dofadr");
        for (int i = 0; i < spec.jointPositions().size(); i++) {
            int j = m.require(MjObject.JOINT, spec.jointPositions().get(i), f + ": observation.joint_positions[" + i + "]");
            for (int k = 0; k < Coordinates.positions(m, j); k++) {
                int q = qadr.getInt(j) + k;
                ob.add(c.positionNames()[q], c.positionUnits()[q], -inf, inf, Kind.POSITION);
                src.add(QPOS);
                idx.add(q);
            }
        }
        for (int i = 0; i < spec.jointVelocities().size(); i++) {
            int j = m.require(MjObject.JOINT, spec.jointVelocities().get(i), f + ": observation.joint_velocities[" + i + "]");
            for (int k = 0; k < Coordinates.velocities(m, j); k++) {
                int d = dadr.getInt(j) + k;
                ob.add(c.velocityNames()[d], c.velocityUnits()[d], -inf, inf, Kind.VELOCITY);
                src.add(QVEL);
                idx.add(d);
            }
        }
        MjArray sadr = m.array("sensor_adr");
        MjArray sdim = m.array("sensor_dim");
        MjArray stype = m.array("sensor_type");
        for (int i = 0; i < spec.sensors().size(); i++) {
            String name = spec.sensors().get(i);
            int s = m.require(MjObject.SENSOR, name, f + ": observation.sensors[" + i + "]");
            Kind kind = sensorKind(stype.getInt(s));
            int dim = sdim.getInt(s);
            for (int k = 0; k < dim; k++) {
                ob.add(dim == 1 ? name : name + "_" + k, "sensor", -inf, inf, kind);
                src.add(SENSOR);
                idx.add(sadr.getInt(s) + k);
            }
        }
        String[] quat = {"qw", "qx", "qy", "qz"};
        for (int i = 0; i < spec.bodyOrientation().size(); i++) {
            String name = spec.bodyOrientation().get(i);
            int b = m.require(MjObject.BODY, name, f + ": observation.body_orientation[" + i + "]");
            for (int k = 0; k < 4; k++) {
                ob.add(name + "_" + quat[k], "1", -1f, 1f, Kind.POSITION);
                src.add(QUAT);
                idx.add(b * 4 + k);
            }
        }
        String[] lin = {"vx", "vy", "vz"};
        String[] ang = {"wx", "wy", "wz"};
        for (int i = 0; i < spec.bodyVelocity().size(); i++) {
            String name = spec.bodyVelocity().get(i);
            int b = m.require(MjObject.BODY, name, f + ": observation.body_velocity[" + i + "]");
            for (int k = 0; k < 3; k++) {
                ob.add(name + "_" + lin[k], "m/s", -inf, inf, Kind.VELOCITY);
                src.add(LINVEL);
                idx.add(b * 3 + k);
            }
            for (int k = 0; k < 3; k++) {
                ob.add(name + "_" + ang[k], "rad/s", -inf, inf, Kind.VELOCITY);
                src.add(ANGVEL);
                idx.add(b * 3 + k);
            }
        }
        List<String> actuatorNames = m.names(MjObject.ACTUATOR);
        int[] actuators;
        if (spec.actuators() == null) {
            actuators = java.util.stream.IntStream.range(0, m.nu()).toArray();
        } else {
            actuators = new int[spec.actuators().size()];
            for (int i = 0; i < actuators.length; i++) {
                actuators[i] = m.require(MjObject.ACTUATOR, spec.actuators().get(i), f + ": action.actuators[" + i + "]");
            }
        }
        if (actuators.length == 0) {
            throw new IllegalArgumentException(f + ": action.actuators is empty");
        }
        BoxSpace.Builder ab = BoxSpace.builder();
        MjArray limited = m.array("actuator_ctrllimited");
        for (int a : actuators) {
            String n = actuatorNames.get(a).isEmpty() ? "actuator" + a : actuatorNames.get(a);
            if (limited.bits(a) == 0) {
                throw new IllegalArgumentException(m.source() + ": actuator '" + n + "' has no ctrlrange (set "
                        + "ctrllimited=\"true\" and ctrlrange), so actions cannot be scaled to it");
            }
            ab.add(n, "1 (of ctrlrange)", -1f, 1f, Kind.COMMAND);
        }
        byte[] s = new byte[src.size()];
        int[] ix = new int[idx.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = src.get(i);
            ix[i] = idx.get(i);
        }
        return new Layout(ob.build(), ab.build(), actuators, s, ix);
    }

    private static Kind sensorKind(int type) {
        for (String n : VELOCITY_SENSORS) {
            if (MjNative.LAYOUT.enumValue(n) == type) {
                return Kind.VELOCITY;
            }
        }
        for (String n : FORCE_SENSORS) {
            if (MjNative.LAYOUT.enumValue(n) == type) {
                return Kind.FORCE;
            }
        }
        return Kind.POSITION;
    }

    @Override
    protected boolean needsContactForces() {
        return contactWeight != 0;
    }

    @Override
    protected void initialState(int world, MjData d) {
        double s = spec.resetNoise();
        if (s > 0) {
            for (int i = 0; i < nq; i++) {
                d.qpos().set(i, d.qpos().get(i) + s * (2 * SplitMix.nextDouble(random, world) - 1));
            }
            for (int i = 0; i < nv; i++) {
                d.qvel().set(i, d.qvel().get(i) + s * (2 * SplitMix.nextDouble(random, world) - 1));
            }
        }
    }

    private double goalDistance(MjData d) {
        MjArray x = d.xpos();
        double dx = x.get(goalBody * 3) - goal[0];
        double dy = x.get(goalBody * 3 + 1) - goal[1];
        return Math.sqrt(dx * dx + dy * dy);
    }

    @Override
    protected void beforeStep(int world, MjData d) {
        if (goalBody >= 0) {
            goalDistanceBefore[world] = goalDistance(d);
        }
    }

    /** World linear velocity of body {@code b}'s origin, component {@code k}: cvel moved from the subtree com. */
    private double linearVelocity(MjData d, int b, int k) {
        MjArray cvel = d.array("cvel");
        MjArray com = d.array("subtree_com");
        MjArray x = d.xpos();
        int r = rootOf[b];
        double rx = x.get(b * 3) - com.get(r * 3);
        double ry = x.get(b * 3 + 1) - com.get(r * 3 + 1);
        double rz = x.get(b * 3 + 2) - com.get(r * 3 + 2);
        double wx = cvel.get(b * 6);
        double wy = cvel.get(b * 6 + 1);
        double wz = cvel.get(b * 6 + 2);
        double cross = switch (k) {
            case 0 -> wy * rz - wz * ry;
            case 1 -> wz * rx - wx * rz;
            default -> wx * ry - wy * rx;
        };
        return cvel.get(b * 6 + 3 + k) + cross;
    }

    @Override
    protected Outcome score(int world, MjData d, float[] action, int offset, double dt) {
        double reward = aliveWeight;
        Outcome outcome = Outcome.RUNNING;
        MjArray xmat = d.array("xmat");
        if (velocityWeight != 0) {
            double ex = linearVelocity(d, velocityBody, 0) - velocityTarget[0];
            double ey = linearVelocity(d, velocityBody, 1) - velocityTarget[1];
            reward += velocityWeight * Math.exp(-(ex * ex + ey * ey) / (velocitySigma * velocitySigma));
        }
        if (headingWeight != 0) {
            double yaw = Math.atan2(xmat.get(headingBody * 9 + 3), xmat.get(headingBody * 9));
            reward += headingWeight * Math.cos(yaw - headingTarget);
        }
        if (goalBody >= 0) {
            double after = goalDistance(d);
            reward += goalWeight * (goalDistanceBefore[world] - after) / dt;
            if (after < goalRadius) {
                reward += goalBonus;
                outcome = Outcome.SUCCESS;
            }
        }
        if (uprightWeight != 0) {
            reward += uprightWeight * xmat.get(uprightBody * 9 + 8);
        }
        if (controlWeight != 0) {
            double sum = 0;
            for (int i = 0; i < actionSize; i++) {
                double u = action[offset + i];
                sum += u * u;
            }
            reward -= controlWeight * sum;
        }
        if (contactWeight != 0) {
            MjArray f = d.cfrcExt();
            double sum = 0;
            for (int i = 0; i < nbody * 6; i++) {
                double v = Math.max(-1, Math.min(1, f.get(i)));
                sum += v * v;
            }
            reward -= contactWeight * sum;
        }
        if (heightBody >= 0) {
            double z = d.xpos().get(heightBody * 3 + 2);
            if (!(z >= heightMin && z <= heightMax)) {
                outcome = Outcome.FAILURE;
            }
        }
        if (tiltBody >= 0 && !(xmat.get(tiltBody * 9 + 8) >= tiltCos)) {
            outcome = Outcome.FAILURE;
        }
        if (outcome == Outcome.RUNNING || outcome == Outcome.SUCCESS) {
            for (int i = 0, n = d.contacts(); i < n; i++) {
                if (contactGeoms[d.contactGeom1(i)] || contactGeoms[d.contactGeom2(i)]) {
                    outcome = Outcome.COLLISION;
                    break;
                }
            }
        }
        rewards[world] = (float) reward;
        return outcome;
    }

    @Override
    protected void observe(int world, MjData d, float[] out, int offset) {
        for (int i = 0; i < source.length; i++) {
            int k = index[i];
            double v = switch (source[i]) {
                case QPOS -> d.qpos().get(k);
                case QVEL -> d.qvel().get(k);
                case SENSOR -> d.sensordata().get(k);
                case QUAT -> d.xquat().get(k);
                case LINVEL -> linearVelocity(d, k / 3, k % 3);
                default -> d.array("cvel").get((k / 3) * 6 + k % 3);
            };
            out[offset + i] = (float) v;
        }
    }

    @Override
    public boolean hasGoals() {
        return goalBody >= 0;
    }
}
