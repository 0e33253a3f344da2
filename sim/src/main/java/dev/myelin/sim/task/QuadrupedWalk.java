package dev.myelin.sim.task;

import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.BoxSpace.Kind;
import dev.myelin.sim.Outcome;
import dev.myelin.sim.mujoco.MjArray;
import dev.myelin.sim.mujoco.MjData;
import dev.myelin.sim.mujoco.MjModel;
import dev.myelin.sim.mujoco.MjObject;
import dev.myelin.sim.random.Parameter;
import dev.myelin.sim.random.RandomizationSpec;
import dev.myelin.sim.random.SplitMix;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code quadruped-walk}: the 12-joint MuJoCo quadruped ({@code quadruped.xml}) tracks a commanded
 * forward speed and turn rate, drawn per episode, while staying upright.
 *
 * <h2>Observation (33)</h2>
 * Joint positions {@code <joint>_position} (rad) and velocities {@code <joint>_velocity} (rad/s) in
 * the joint order {@code fl, fr, hl, hr} x {@code hip, thigh, calf}; the IMU's orientation
 * quaternion {@code imu_qx .. imu_qw} and angular velocity {@code imu_wx .. imu_wz} (rad/s, body
 * frame); the command {@code command_linear_x} (m/s) and {@code command_angular_z} (rad/s). These
 * are the channels a controller fills from {@code /joint_states}, {@code /imu} and {@code /cmd_vel}.
 *
 * <h2>Action (12)</h2>
 * Target angle per joint (rad), sent to the model's PD position servos. Each joint's range is the
 * standing pose {@link #STAND} plus or minus {@link #ACTION_RANGE} (0.4 rad at the hip, 0.6 rad at
 * thigh and calf), as legged-locomotion practice scales actions around a default pose: a policy's
 * centred output is the standing pose, and exploration noise or uniformly drawn actions move the legs
 * around it instead of over the joints' whole range. Bundles carry these ranges as their action
 * channels, so a controller decodes absolute joint targets in rad.
 *
 * <h2>Reward, episode end</h2>
 * Per step (dt = 0.02 s, 10 physics steps), with v_x, v_y, v_z the trunk's velocity and w_x, w_y, w_z
 * its angular velocity in the body frame, c_v and c_w the command, g_z the body's up axis' vertical
 * component:
 * <pre>
 *   exp(-((v_x - c_v)^2 + v_y^2) / 0.05) + 0.5 exp(-(w_z - c_w)^2 / 0.25) + 0.2
 *   - 1.0 v_z^2 - 0.02 (w_x^2 + w_y^2) - 1.0 (1 - g_z^2) - 0.1 sum (a - a_prev)^2
 *   + 1.0 sum_touchdowns (t_air - 0.2)     (only while |(c_v, c_w)| > 0.1)
 *   + 0.5 exp(-sum (a - a_trot)^2 / 0.2)
 * </pre>
 * Bounded velocity-tracking kernels, an alive bonus, and small penalties on bouncing, rolling and
 * pitching, tilt and action rate (rad^2); legged-locomotion practice's feet air time pays each foot
 * that touches down (touch sensor above 1 N) for the time it was in the air beyond 0.2 s (and charges
 * it for shorter taps), so that stepping, not shuffling, is what earns tracking. The last term is a
 * gait prior: a bounded kernel on the distance (rad^2, over the 12 joints) between the action and
 * {@code a_trot}, the targets {@link TrotGait} sends at the same step of the episode for the same
 * command ({@link TrotGait#targets}), so that stepping pays before it earns any tracking. The policy
 * does not observe the gait's clock; it can only follow the reference by reading the gait's phase off
 * its legs' state, and may leave it where tracking and balance pay more.
 * The episode fails when the trunk tilts past 50 degrees or drops below 0.2 m (its belly near the
 * floor), and is truncated after {@code maxSteps}. Start: the standing pose with joint noise of
 * +-0.05 rad; command: c_v uniform in [0, 0.5] m/s, c_w uniform in [-0.5, 0.5] rad/s. A model given
 * instead of the shipped one needs the same joints, servos, IMU sensors and foot touch sensors
 * ({@code <leg>_foot_contact}). Nothing is allocated per step.
 */
public final class QuadrupedWalk extends Task implements BodySensors {
    public static final String NAME = "quadruped-walk";
    public static final String MODEL = "quadruped.xml";
    /** Joint names in observation and action order. */
    public static final List<String> JOINTS = List.of("fl_hip", "fl_thigh", "fl_calf", "fr_hip", "fr_thigh", "fr_calf",
            "hl_hip", "hl_thigh", "hl_calf", "hr_hip", "hr_thigh", "hr_calf");
    /** The standing pose per leg: hip, thigh, calf (rad). */
    public static final double[] STAND = {0.0, 0.8, -1.5};
    /** Half-range of each joint's target around {@link #STAND}, per leg: hip, thigh, calf (rad). */
    public static final double[] ACTION_RANGE = {0.4, 0.6, 0.6};
    static final double CONTROL_PERIOD = 0.02;
    static final double MAX_SPEED = 0.5;
    static final double MAX_TURN = 0.5;
    private static final double ALIVE = 0.2;
    private static final double LINEAR_SIGMA = 0.05;
    private static final double ANGULAR_WEIGHT = 0.5;
    private static final double ANGULAR_SIGMA = 0.25;
    private static final double BOUNCE = 1.0;
    private static final double ROLL_PITCH = 0.02;
    private static final double TILT = 1.0;
    private static final double SMOOTH = 0.1;
    private static final double AIR_WEIGHT = 1.0;
    private static final double AIR_TARGET = 0.2;
    private static final double CONTACT_FORCE = 1.0;
    private static final double MOVE_COMMAND = 0.1;
    private static final double IMITATION_WEIGHT = 0.5;
    private static final double IMITATION_SIGMA = 0.2;
    private static final int FEET = 4;
    private static final List<String> FOOT_SENSORS = List.of("fl_foot_contact", "fr_foot_contact", "hl_foot_contact",
            "hr_foot_contact");
    private static final double TILT_LIMIT_COS = Math.cos(Math.toRadians(50));
    private static final double MIN_HEIGHT = 0.2;
    private static final int N = 12;

    private final MujocoWorlds mj;
    private final MjArray[] qpos;
    private final MjArray[] qvel;
    private final MjArray[] ctrl;
    private final MjArray[] sensors;
    private final MjArray[] actuatorForce;
    private final int[] jointQpos = new int[N];
    private final int[] jointDof = new int[N];
    private final int[] actuator = new int[N];
    private final int trunkQpos;
    private final int trunkBody;
    private final int imuQuat;
    private final int imuGyro;
    private final int imuAccel;
    private final int imuVelocity;
    private final int[] footTouch = new int[FEET];
    private final int frames;
    private final float[] commandLinear;
    private final float[] commandAngular;
    private final float[] previous;
    private final double[] airTime;
    private final float[][] gait;

    /**
     * @param worlds        independent worlds
     * @param model         the quadruped's MJCF; null for the shipped {@code quadruped.xml}
     * @param maxSteps      truncation limit (steps of 0.02 s)
     * @param randomization per-episode distributions of the generic parameters
     */
    public QuadrupedWalk(int worlds, Path model, int maxSteps, RandomizationSpec randomization) {
        super(NAME, worlds, 1, observationLayout(), actionLayout(), CONTROL_PERIOD, maxSteps, List.<Parameter>of(), randomization);
        Path file = model != null ? model : RobotModels.extract(MODEL);
        mj = new MujocoWorlds(file, worlds);
        try {
            MjModel m = mj.model();
            MjArray dofAdr = m.array("jnt_dofadr");
            for (int j = 0; j < N; j++) {
                String joint = JOINTS.get(j);
                jointQpos[j] = mj.jointQpos(joint, NAME + " joint " + j);
                jointDof[j] = dofAdr.getInt(m.require(MjObject.JOINT, joint, NAME + " joint " + j));
                actuator[j] = m.require(MjObject.ACTUATOR, joint, NAME + " servo of joint " + joint);
            }
            trunkQpos = mj.jointQpos("root", NAME + " trunk free joint");
            trunkBody = m.require(MjObject.BODY, "trunk", NAME + " trunk");
            imuQuat = mj.sensor("imu_orientation", NAME + " imu");
            imuGyro = mj.sensor("imu_gyro", NAME + " imu");
            imuAccel = mj.sensor("imu_accelerometer", NAME + " imu");
            imuVelocity = mj.sensor("imu_velocity", NAME + " trunk velocity");
            for (int f = 0; f < FEET; f++) {
                footTouch[f] = mj.sensor(FOOT_SENSORS.get(f), NAME + " foot contact");
            }
            frames = Math.max(1, (int) Math.round(CONTROL_PERIOD / m.timestep()));
        } catch (RuntimeException e) {
            mj.close();
            throw e;
        }
        qpos = mj.qpos;
        qvel = mj.qvel;
        ctrl = mj.ctrl;
        sensors = mj.sensors;
        actuatorForce = mj.actuatorForce;
        commandLinear = new float[worlds];
        commandAngular = new float[worlds];
        previous = new float[worlds * N];
        airTime = new double[worlds * FEET];
        gait = new float[worlds][N];
    }

    /** The observation layout (33 channels, named as the controller's joint-space mapping names them). */
    public static BoxSpace observationLayout() {
        BoxSpace.Builder b = BoxSpace.builder();
        for (String j : JOINTS) {
            b.add(j + "_position", "rad", (float) -Math.PI, (float) Math.PI, Kind.POSITION);
        }
        for (String j : JOINTS) {
            b.add(j + "_velocity", "rad/s", -30f, 30f, Kind.VELOCITY);
        }
        for (String c : List.of("qx", "qy", "qz", "qw")) {
            b.add("imu_" + c, "1", -1f, 1f, Kind.POSITION);
        }
        for (String c : List.of("wx", "wy", "wz")) {
            b.add("imu_" + c, "rad/s", -10f, 10f, Kind.VELOCITY);
        }
        return b.add("command_linear_x", "m/s", -1f, 1f, Kind.POSITION)
                .add("command_angular_z", "rad/s", -1.5f, 1.5f, Kind.POSITION)
                .build();
    }

    /** Joint targets: the standing pose plus or minus {@link #ACTION_RANGE}, within the model's joint ranges. */
    public static BoxSpace actionLayout() {
        BoxSpace.Builder b = BoxSpace.builder();
        for (int j = 0; j < N; j++) {
            double stand = STAND[j % 3];
            double half = ACTION_RANGE[j % 3];
            b.add(JOINTS.get(j), "rad", (float) (stand - half), (float) (stand + half), Kind.COMMAND);
        }
        return b.build();
    }

    /** World {@code w}'s physics state. */
    public MjData data(int w) {
        return mj.datas[w];
    }

    /** The commanded forward speed (m/s) and turn rate (rad/s) of {@code agent}'s episode. */
    public double commandLinear(int agent) {
        return commandLinear[agent];
    }

    public double commandAngular(int agent) {
        return commandAngular[agent];
    }

    /** Trunk position (m, world frame) and forward speed (m/s, body frame). */
    public double trunkX(int agent) {
        return qpos[agent].get(trunkQpos);
    }

    public double trunkY(int agent) {
        return qpos[agent].get(trunkQpos + 1);
    }

    public double trunkHeight(int agent) {
        return qpos[agent].get(trunkQpos + 2);
    }

    /** Trunk orientation quaternion component {@code i} (w, x, y, z). */
    public double trunkQuaternion(int agent, int i) {
        return qpos[agent].get(trunkQpos + 3 + i);
    }

    public double forwardSpeed(int agent) {
        return sensors[agent].get(imuVelocity);
    }

    public double yawRate(int agent) {
        return sensors[agent].get(imuGyro + 2);
    }

    @Override
    public void imu(int agent, double[] out) {
        mj.imu(agent, imuQuat, imuGyro, imuAccel, out);
    }

    @Override
    public List<String> jointNames() {
        return JOINTS;
    }

    @Override
    public void jointStates(int agent, double[] position, double[] velocity, double[] effort) {
        for (int j = 0; j < N; j++) {
            position[j] = qpos[agent].get(jointQpos[j]);
            velocity[j] = qvel[agent].get(jointDof[j]);
            effort[j] = actuatorForce[agent].get(actuator[j]);
        }
    }

    @Override
    protected void resetWorld(int w) {
        MjData d = mj.datas[w];
        d.reset();
        MjArray q = qpos[w];
        for (int j = 0; j < N; j++) {
            double target = STAND[j % 3];
            q.set(jointQpos[j], target + 0.1 * (SplitMix.nextDouble(random, w) - 0.5));
            ctrl[w].set(actuator[j], target);
            previous[w * N + j] = (float) target;
        }
        q.set(trunkQpos + 2, 0.31);
        java.util.Arrays.fill(airTime, w * FEET, (w + 1) * FEET, 0.0);
        commandLinear[w] = (float) (MAX_SPEED * SplitMix.nextDouble(random, w));
        commandAngular[w] = (float) (MAX_TURN * (2 * SplitMix.nextDouble(random, w) - 1));
        d.forward();
        writeObservation(w);
    }

    @Override
    protected void stepWorlds(int from, int to, float[] plant) {
        for (int w = from; w < to; w++) {
            stepWorld(w, plant);
        }
    }

    private void stepWorld(int w, float[] plant) {
        MjArray u = ctrl[w];
        float[] reference = gait[w];
        TrotGait.targets(elapsedSteps[w], controlPeriod, commandLinear[w], commandAngular[w], reference);
        double change = 0;
        double imitation = 0;
        for (int j = 0; j < N; j++) {
            float a = plant[w * N + j];
            double delta = a - previous[w * N + j];
            change += delta * delta;
            double off = a - reference[j];
            imitation += off * off;
            previous[w * N + j] = a;
            u.set(actuator[j], a);
        }
        MjData d = mj.datas[w];
        double dt = stepDuration(w);
        d.step(dt == controlPeriod ? frames : Math.max(1, (int) Math.round(dt / CONTROL_PERIOD * frames)));
        d.forward();
        MjArray s = sensors[w];
        double ev = s.get(imuVelocity) - commandLinear[w];
        double vy = s.get(imuVelocity + 1);
        double vz = s.get(imuVelocity + 2);
        double wx = s.get(imuGyro);
        double wy = s.get(imuGyro + 1);
        double ew = s.get(imuGyro + 2) - commandAngular[w];
        double up = mj.upright(w, trunkBody);
        double airTimeEarned = 0;
        for (int f = 0; f < FEET; f++) {
            int i = w * FEET + f;
            if (s.get(footTouch[f]) > CONTACT_FORCE) {
                if (airTime[i] > 0) {
                    airTimeEarned += airTime[i] - AIR_TARGET;
                }
                airTime[i] = 0;
            } else {
                airTime[i] += dt;
            }
        }
        boolean move = Math.hypot(commandLinear[w], commandAngular[w]) > MOVE_COMMAND;
        double reward = Math.exp(-(ev * ev + vy * vy) / LINEAR_SIGMA) + ANGULAR_WEIGHT * Math.exp(-ew * ew / ANGULAR_SIGMA)
                + ALIVE - BOUNCE * vz * vz - ROLL_PITCH * (wx * wx + wy * wy) - TILT * (1 - up * up) - SMOOTH * change
                + (move ? AIR_WEIGHT * airTimeEarned : 0) + IMITATION_WEIGHT * Math.exp(-imitation / IMITATION_SIGMA);
        boolean fallen = up < TILT_LIMIT_COS || trunkHeight(w) < MIN_HEIGHT;
        rewards[w] = (float) reward;
        int n = ++elapsedSteps[w];
        finish(w, fallen ? Outcome.FAILURE : n >= maxEpisodeSteps ? Outcome.TIMEOUT : Outcome.RUNNING);
        writeObservation(w);
    }

    private void writeObservation(int w) {
        float[] obs = observations;
        int off = w * observationSize;
        MjArray q = qpos[w];
        MjArray v = qvel[w];
        MjArray s = sensors[w];
        for (int j = 0; j < N; j++) {
            obs[off + j] = (float) q.get(jointQpos[j]);
            obs[off + N + j] = (float) v.get(jointDof[j]);
        }
        int i = off + 2 * N;
        obs[i] = (float) s.get(imuQuat + 1);
        obs[i + 1] = (float) s.get(imuQuat + 2);
        obs[i + 2] = (float) s.get(imuQuat + 3);
        obs[i + 3] = (float) s.get(imuQuat);
        obs[i + 4] = (float) s.get(imuGyro);
        obs[i + 5] = (float) s.get(imuGyro + 1);
        obs[i + 6] = (float) s.get(imuGyro + 2);
        obs[i + 7] = commandLinear[w];
        obs[i + 8] = commandAngular[w];
    }

    /** Frees every world's model and data. */
    public void close() {
        mj.close();
    }

    /** The standing pose as a 12-joint target vector, in {@link #JOINTS} order. */
    public static float[] standingTargets() {
        float[] t = new float[N];
        for (int j = 0; j < N; j++) {
            t[j] = (float) STAND[j % 3];
        }
        return t;
    }
}
