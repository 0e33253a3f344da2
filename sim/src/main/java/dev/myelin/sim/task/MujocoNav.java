package dev.myelin.sim.task;

import dev.myelin.sim.Outcome;
import dev.myelin.sim.mujoco.MjArray;
import dev.myelin.sim.mujoco.MjData;
import dev.myelin.sim.mujoco.MjModel;
import dev.myelin.sim.mujoco.MjObject;
import dev.myelin.sim.random.Parameter;
import dev.myelin.sim.random.RandomizationSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code mujoco-nav}: the navigation task of {@code diffdrive-nav} on a MuJoCo differential-drive
 * base ({@code diffdrive-base.xml} by default): same observation and action spaces, same reward and
 * outcomes, same scene for the same episode seed, but the plant is a rigid body with wheel friction,
 * a caster, contacts and torque-limited velocity servos instead of the kinematic model.
 *
 * <h2>Plant</h2>
 * Per control period: the base's velocity smoother (as in {@code diffdrive-nav}, a_max and alpha_max
 * of {@link NavConfig}), then the wheel-speed controller {@code omega_{R,L} = (v_c +- w_c b/2) / r}
 * with the nominal geometry, sent to the model's {@code wheel_left}/{@code wheel_right} velocity
 * actuators (their {@code ctrlrange} and {@code forcerange} are the motors' limits), then
 * {@code dt / timestep} physics steps.
 *
 * <h2>Observation</h2>
 * Ranges from the model's {@code range_k} rangefinder sensors (no hit reads as range_max; noise and
 * dropout as in diffdrive-nav), goal distance and bearing from the base's true pose, and wheel
 * odometry from the {@code wheel_*_velocity} sensors with the nominal geometry.
 *
 * <h2>Episode end</h2>
 * A collision is the {@code bumper_contact} touch sensor reading a force (the bumper met a wall or an
 * obstacle) or the base tilting past 45 degrees; arrival within the goal tolerance is success.
 *
 * <p>The scene (start, goal, obstacles) is drawn by a {@link DiffDriveNav} of the same settings from
 * the world's random stream, so an episode seed gives the same layout in both worlds; obstacles are
 * the model's mocap cylinders {@code obstacle_k}, moved and resized per episode (each world owns a
 * model copy for that). Nothing is allocated per step.
 */
public final class MujocoNav extends Task implements NavigationWorld, BodySensors {
    public static final String NAME = "mujoco-nav";
    /** The base shipped with Myelin. */
    public static final String DEFAULT_MODEL = "diffdrive-base.xml";
    private static final double TILT_LIMIT_COS = Math.cos(Math.toRadians(45));
    private static final double TOUCH_THRESHOLD_N = 1e-6;
    private static final double PARKED = 50;

    private final NavConfig config;
    private final DiffDriveNav layout;
    private final Lidar lidar;
    private final int beams;
    private final int maxObstacles;
    private final MujocoWorlds mj;
    private final MjArray[] qpos;
    private final MjArray[] ctrl;
    private final MjArray[] sensors;
    private final MjArray[] mocap;
    private final MjArray[] geomSize;
    private final MjArray[] actuatorForce;
    private final int[] rangeAddress;
    private final int leftVelocity;
    private final int rightVelocity;
    private final int leftPosition;
    private final int rightPosition;
    private final int bumper;
    private final int imuQuat;
    private final int imuGyro;
    private final int imuAccel;
    private final int baseQpos;
    private final int baseBody;
    private final int leftActuator;
    private final int rightActuator;
    private final int[] obstacleMocap;
    private final int[] obstacleGeom;
    private final double timestep;
    private final float[] lidarNoise;
    private final float[] lidarDropout;

    private final double[] linearCommand;
    private final double[] angularCommand;
    private final double[] goalDistance;

    /**
     * @param worlds        independent worlds
     * @param config        navigation settings (arena, obstacles, beams, limits, rewards) as for diffdrive-nav
     * @param model         the base's MJCF: its rangefinders must be the lidar's beams, or it marks its lidar
     *                      blocks as the shipped base does ({@link RobotModels#withLidar}); null for the shipped
     *                      {@code diffdrive-base.xml}
     * @param randomization per-episode distributions of the parameters
     */
    public MujocoNav(int worlds, NavConfig config, Path model, RandomizationSpec randomization) {
        NavConfig c = config.copy().validate();
        super(NAME, worlds, 1, DiffDriveNav.observationLayout(c), DiffDriveNav.actionLayout(c), c.controlPeriod,
                c.maxSteps, parameterList(c), randomization);
        if (c.robots != 1) {
            throw new IllegalArgumentException(NAME + " drives one robot, got robots=" + c.robots);
        }
        this.config = c;
        this.layout = new DiffDriveNav(DiffDriveNav.NAME, worlds, c, RandomizationSpec.none());
        this.lidar = layout.lidar();
        this.beams = lidar.beams();
        this.maxObstacles = Math.max(1, c.obstacles);
        Path file = model != null ? RobotModels.withLidar(model, lidar) : RobotModels.diffDriveBase(lidar);
        mj = new MujocoWorlds(file, worlds);
        try {
            MjModel m = mj.model();
            String where = file.getFileName().toString();
            rangeAddress = new int[beams];
            for (int k = 0; k < beams; k++) {
                rangeAddress[k] = mj.sensor("range_" + k, NAME + " lidar beam " + k + " of " + beams);
            }
            if (m.id(MjObject.SENSOR, "range_" + beams) >= 0) {
                throw new IllegalArgumentException(where + " has more rangefinders than beams=" + beams
                        + " (range_" + beams + " exists): the observation would not match diffdrive-nav's");
            }
            leftVelocity = mj.sensor("wheel_left_velocity", NAME + " odometry");
            rightVelocity = mj.sensor("wheel_right_velocity", NAME + " odometry");
            leftPosition = mj.sensor("wheel_left_position", NAME + " joint states");
            rightPosition = mj.sensor("wheel_right_position", NAME + " joint states");
            bumper = mj.sensor("bumper_contact", NAME + " collision");
            imuQuat = mj.sensor("imu_orientation", NAME + " imu");
            imuGyro = mj.sensor("imu_gyro", NAME + " imu");
            imuAccel = mj.sensor("imu_accelerometer", NAME + " imu");
            baseQpos = mj.jointQpos("base", NAME + " base free joint");
            baseBody = m.require(MjObject.BODY, "base_link", NAME + " base body");
            leftActuator = m.require(MjObject.ACTUATOR, "wheel_left", NAME + " drive");
            rightActuator = m.require(MjObject.ACTUATOR, "wheel_right", NAME + " drive");
            obstacleMocap = new int[maxObstacles];
            obstacleGeom = new int[maxObstacles];
            MjArray mocapId = m.array("body_mocapid");
            for (int k = 0; k < c.obstacles; k++) {
                int body = m.require(MjObject.BODY, "obstacle_" + k, NAME + " obstacle " + k + " of " + c.obstacles);
                obstacleMocap[k] = mocapId.getInt(body);
                if (obstacleMocap[k] < 0) {
                    throw new IllegalArgumentException(where + ": body obstacle_" + k + " must be a mocap body");
                }
                obstacleGeom[k] = m.require(MjObject.GEOM, "obstacle_" + k, NAME + " obstacle " + k);
            }
            timestep = m.timestep();
        } catch (RuntimeException e) {
            mj.close();
            throw e;
        }
        qpos = mj.qpos;
        ctrl = mj.ctrl;
        sensors = mj.sensors;
        actuatorForce = mj.actuatorForce;
        mocap = new MjArray[worlds];
        geomSize = new MjArray[worlds];
        for (int w = 0; w < worlds; w++) {
            mocap[w] = mj.datas[w].array("mocap_pos");
            geomSize[w] = mj.models[w].array("geom_size");
        }
        lidarNoise = parameters.values("lidar_noise");
        lidarDropout = parameters.values("lidar_dropout");
        linearCommand = new double[worlds];
        angularCommand = new double[worlds];
        goalDistance = new double[worlds];
    }

    /** Randomizable parameters: the lidar's, as diffdrive-nav has them (the body's are the model's own). */
    public static List<Parameter> parameterList(NavConfig c) {
        List<Parameter> p = new ArrayList<>();
        for (Parameter q : DiffDriveNav.parameterList(c)) {
            if (q.name().equals("lidar_noise") || q.name().equals("lidar_dropout")) {
                p.add(q);
            }
        }
        return p;
    }

    @Override
    public boolean hasGoals() {
        return true;
    }

    /** The settings (a copy). */
    public NavConfig config() {
        return config.copy();
    }

    /** World {@code w}'s physics state (tests, rendering); stepped by this task only. */
    public MjData data(int w) {
        return mj.datas[w];
    }

    @Override
    public Lidar lidar() {
        return lidar;
    }

    @Override
    public double robotX(int agent) {
        return qpos[agent].get(baseQpos);
    }

    @Override
    public double robotY(int agent) {
        return qpos[agent].get(baseQpos + 1);
    }

    @Override
    public double robotHeading(int agent) {
        MjArray q = qpos[agent];
        double w = q.get(baseQpos + 3);
        double x = q.get(baseQpos + 4);
        double y = q.get(baseQpos + 5);
        double z = q.get(baseQpos + 6);
        return Math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z));
    }

    @Override
    public double goalX(int agent) {
        return layout.goalX(agent);
    }

    @Override
    public double goalY(int agent) {
        return layout.goalY(agent);
    }

    /** The scene generator (its obstacles are this world's). */
    public DiffDriveNav scene() {
        return layout;
    }

    @Override
    public void imu(int agent, double[] out) {
        mj.imu(agent, imuQuat, imuGyro, imuAccel, out);
    }

    private static final List<String> WHEELS = List.of("wheel_left", "wheel_right");

    @Override
    public List<String> jointNames() {
        return WHEELS;
    }

    @Override
    public void jointStates(int agent, double[] position, double[] velocity, double[] effort) {
        MjArray s = sensors[agent];
        position[0] = s.get(leftPosition);
        position[1] = s.get(rightPosition);
        velocity[0] = s.get(leftVelocity);
        velocity[1] = s.get(rightVelocity);
        effort[0] = actuatorForce[agent].get(leftActuator);
        effort[1] = actuatorForce[agent].get(rightActuator);
    }

    @Override
    protected void resetWorld(int w) {
        // Draw the scene exactly as diffdrive-nav would from this stream, then continue from where it left it.
        layout.random[w] = random[w];
        layout.reset(w);
        random[w] = layout.random[w];

        MjData d = mj.datas[w];
        d.reset();
        MjArray q = qpos[w];
        double h = layout.robotHeading(w);
        q.set(baseQpos, layout.robotX(w));
        q.set(baseQpos + 1, layout.robotY(w));
        q.set(baseQpos + 2, 0.0);
        q.set(baseQpos + 3, Math.cos(0.5 * h));
        q.set(baseQpos + 4, 0.0);
        q.set(baseQpos + 5, 0.0);
        q.set(baseQpos + 6, Math.sin(0.5 * h));
        int placed = layout.obstacleCount(w);
        MjArray mp = mocap[w];
        MjArray size = geomSize[w];
        for (int k = 0; k < config.obstacles; k++) {
            int id = obstacleMocap[k];
            if (k < placed) {
                mp.set(3 * id, layout.obstacleX(w, k));
                mp.set(3 * id + 1, layout.obstacleY(w, k));
                size.set(3 * obstacleGeom[k], layout.obstacleRadius(w, k));
            } else {
                mp.set(3 * id, PARKED + 2 * k);
                mp.set(3 * id + 1, PARKED);
            }
        }
        linearCommand[w] = angularCommand[w] = 0;
        goalDistance[w] = Math.hypot(layout.goalX(w) - layout.robotX(w), layout.goalY(w) - layout.robotY(w));
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
        final NavConfig c = config;
        final double dt = stepDuration(w);
        final double dv = c.maxLinearAcceleration * dt;
        final double dw = c.maxAngularAcceleration * dt;
        double vc = clamp(plant[2 * w], linearCommand[w] - dv, linearCommand[w] + dv);
        double wc = clamp(plant[2 * w + 1], angularCommand[w] - dw, angularCommand[w] + dw);
        linearCommand[w] = vc;
        angularCommand[w] = wc;
        double half = 0.5 * wc * c.trackWidth;
        MjArray u = ctrl[w];
        u.set(leftActuator, (vc - half) / c.wheelRadius);
        u.set(rightActuator, (vc + half) / c.wheelRadius);
        MjData d = mj.datas[w];
        d.step(Math.max(1, (int) Math.round(dt / timestep)));
        // mj_step's sensors describe the state before its last integration: refresh them for the observation.
        d.forward();

        double px = robotX(w);
        double py = robotY(w);
        double gx = layout.goalX(w) - px;
        double gy = layout.goalY(w) - py;
        double dist = Math.sqrt(gx * gx + gy * gy);
        double reward = c.progressReward * (goalDistance[w] - dist) + c.timePenalty;
        goalDistance[w] = dist;
        // Body z axis in the world: the third column of xmat; its z component is the cosine of the tilt.
        double up = mj.upright(w, baseBody);
        boolean hit = sensors[w].get(bumper) > TOUCH_THRESHOLD_N || up < TILT_LIMIT_COS;
        boolean arrived = !hit && dist <= c.goalTolerance;
        if (hit) {
            reward += c.collisionPenalty;
        } else if (arrived) {
            reward += c.arrivalReward;
        }
        rewards[w] = (float) reward;
        int n = ++elapsedSteps[w];
        if (hit) {
            finish(w, Outcome.COLLISION);
        } else if (arrived) {
            finish(w, Outcome.SUCCESS);
        } else if (n >= maxEpisodeSteps) {
            finish(w, Outcome.TIMEOUT);
        } else {
            finish(w, Outcome.RUNNING);
        }
        writeObservation(w);
    }

    private void writeObservation(int w) {
        final NavConfig c = config;
        final float[] obs = observations;
        final int off = w * observationSize;
        final MjArray s = sensors[w];
        final float max = (float) c.rangeMax;
        for (int k = 0; k < beams; k++) {
            double r = s.get(rangeAddress[k]);
            obs[off + k] = r < 0 ? max : (float) r; // -1: the ray hit nothing
        }
        random[w] = lidar.corrupt(obs, off, lidarNoise[w], lidarDropout[w], random[w]);
        double h = robotHeading(w);
        double ch = Math.cos(h);
        double sh = Math.sin(h);
        double gx = layout.goalX(w) - robotX(w);
        double gy = layout.goalY(w) - robotY(w);
        int g = off + beams;
        obs[g] = (float) goalDistance[w];
        obs[g + 1] = (float) Math.atan2(ch * gy - sh * gx, ch * gx + sh * gy);
        double left = s.get(leftVelocity);
        double right = s.get(rightVelocity);
        obs[g + 2] = (float) (c.wheelRadius * 0.5 * (left + right));
        obs[g + 3] = (float) (c.wheelRadius * (right - left) / c.trackWidth);
    }

    private static double clamp(double v, double lo, double hi) {
        return v < lo ? lo : Math.min(v, hi);
    }

    /** Frees every world's model and data. */
    public void close() {
        mj.close();
    }
}
