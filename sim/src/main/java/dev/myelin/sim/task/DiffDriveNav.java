package dev.myelin.sim.task;

import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.BoxSpace.Kind;
import dev.myelin.sim.Outcome;
import dev.myelin.sim.random.Parameter;
import dev.myelin.sim.random.RandomizationSpec;
import dev.myelin.sim.random.SplitMix;

import java.util.ArrayList;
import java.util.List;

/**
 * Mapless navigation of differential-drive robots in a walled square arena with randomly placed
 * circular obstacles: {@code diffdrive-nav} (one robot) and {@code multi-diffdrive} (several robots
 * sharing the arena, each with its own goal).
 *
 * <h2>Plant</h2>
 * Per control period dt (jittered when randomized), for a command (v_c, w_c):
 * <ol>
 * <li>velocity smoother: the command changes by at most a_max dt and alpha_max dt per step;</li>
 * <li>the base computes wheel speeds with the nominal geometry, {@code omega_{R,L} = (v_c +- w_c b0/2) / r0};</li>
 * <li>the motors deliver K omega through a first-order lag; with the true radius r and track b the body
 *     tends to {@code v* = K (r/r0) v_c / (1 + f)} and {@code w* = K (r/r0)(b0/b) w_c / (1 + f)}
 *     (f: friction as a viscous drag ratio), reached with time constants tau m/m0 (translation)
 *     and tau I/I0 (rotation), exactly discretised: {@code v += (v* - v)(1 - exp(-dt/tau_v))};</li>
 * <li>the pose integrates at the mid-step heading.</li>
 * </ol>
 * Odometry (the observed velocities) converts the true wheel speeds back with the nominal geometry,
 * so a robot whose wheels are not nominal misreports its speed, as a real one does.
 *
 * <h2>Observation (per robot)</h2>
 * {@code beams} lidar ranges (m; other robots are seen as circles), goal distance (m), goal bearing
 * (rad, robot frame), odometry linear (m/s) and angular (rad/s) velocity.
 *
 * <h2>Reward, episode end</h2>
 * Each step a robot still driving earns {@code progress * (d_prev - d) + time}; reaching the goal
 * (within the tolerance) adds {@code arrival}. The team reward is the mean of these over the robots;
 * every robot gets the team reward plus {@code collision} if it hit a wall, an obstacle or another
 * robot on that step. A robot that arrives parks and one that collides stops (its commands are
 * ignored; it stays an obstacle). The episode terminates when no robot is driving, and is truncated at
 * {@code maxSteps}; outcomes are SUCCESS, COLLISION, or TIMEOUT for robots still driving.
 * Randomized parameters are drawn per world and shared by its robots.
 */
public final class DiffDriveNav extends Task implements NavigationWorld {
    public static final String NAME = "diffdrive-nav";
    public static final String MULTI_NAME = "multi-diffdrive";

    /** Upper limit of the motor_gain parameter. */
    static final double MAX_MOTOR_GAIN = 5.0;

    static final byte DRIVING = 0;
    static final byte ARRIVED = 1;
    static final byte CRASHED = 2;

    private final NavConfig config;
    private final Lidar lidar;
    private final int robots;
    private final int beams;
    private final int maxObstacles;
    private final double half;

    // Per robot (index = agent).
    private final double[] x;
    private final double[] y;
    private final double[] heading;
    private final double[] linear;
    private final double[] angular;
    private final double[] linearCommand;
    private final double[] angularCommand;
    private final double[] goalX;
    private final double[] goalY;
    private final double[] goalDistance;
    private final byte[] status;
    private final boolean[] collidedNow;
    private final double[] stepReward;

    // Per world obstacles: index = world * maxObstacles + k.
    private final double[] obstacleX;
    private final double[] obstacleY;
    private final double[] obstacleR;
    private final int[] obstacleCount;

    private final float[] mass;
    private final float[] inertiaScale;
    private final float[] wheelRadius;
    private final float[] trackWidth;
    private final float[] motorGain;
    private final float[] motorTimeConstant;
    private final float[] friction;
    private final float[] lidarNoise;
    private final float[] lidarDropout;
    private final double[] lagV;
    private final double[] lagW;

    /** {@code diffdrive-nav} when {@code config.robots() == 1} and {@code name} is NAME, else the multi-robot task. */
    public DiffDriveNav(String name, int worlds, NavConfig config, RandomizationSpec randomization) {
        NavConfig c = config.copy().validate();
        super(checkName(name, c), worlds, c.robots, observationLayout(c), actionLayout(c), c.controlPeriod, c.maxSteps,
                parameterList(c), randomization);
        this.config = c;
        this.robots = c.robots;
        this.beams = c.beams;
        this.lidar = new Lidar(c.beams, c.fieldOfView, c.rangeMin, c.rangeMax);
        this.maxObstacles = Math.max(1, c.obstacles);
        this.half = c.arenaSize / 2;
        int n = agents;
        x = new double[n];
        y = new double[n];
        heading = new double[n];
        linear = new double[n];
        angular = new double[n];
        linearCommand = new double[n];
        angularCommand = new double[n];
        goalX = new double[n];
        goalY = new double[n];
        goalDistance = new double[n];
        status = new byte[n];
        collidedNow = new boolean[n];
        stepReward = new double[n];
        obstacleX = new double[worlds * maxObstacles];
        obstacleY = new double[worlds * maxObstacles];
        obstacleR = new double[worlds * maxObstacles];
        obstacleCount = new int[worlds];
        mass = parameters.values("mass");
        inertiaScale = parameters.values("inertia_scale");
        wheelRadius = parameters.values("wheel_radius");
        trackWidth = parameters.values("track_width");
        motorGain = parameters.values("motor_gain");
        motorTimeConstant = parameters.values("motor_time_constant");
        friction = parameters.values("friction");
        lidarNoise = parameters.values("lidar_noise");
        lidarDropout = parameters.values("lidar_dropout");
        lagV = new double[worlds];
        lagW = new double[worlds];
    }

    private static String checkName(String name, NavConfig c) {
        if (!name.equals(NAME) && !name.equals(MULTI_NAME)) {
            throw new IllegalArgumentException("not a navigation task: " + name);
        }
        if (name.equals(NAME) && c.robots != 1) {
            throw new IllegalArgumentException(NAME + " drives one robot; use " + MULTI_NAME + " for " + c.robots);
        }
        return name;
    }

    /** One robot's observation space for {@code c}. */
    public static BoxSpace observationLayout(NavConfig c) {
        BoxSpace.Builder b = BoxSpace.builder();
        for (int k = 0; k < c.beams; k++) {
            b.add("range_" + k, "m", (float) c.rangeMin, (float) c.rangeMax, Kind.POSITION);
        }
        float diag = (float) (c.arenaSize * Math.sqrt(2));
        return b.add("goal_distance", "m", 0f, diag, Kind.POSITION)
                .add("goal_bearing", "rad", (float) -Math.PI, (float) Math.PI, Kind.POSITION)
                // Odometry reads at most motor_gain (<= 5) times the commanded limit: the lag never overshoots.
                .add("linear_velocity", "m/s", (float) (-MAX_MOTOR_GAIN * c.maxLinear), (float) (MAX_MOTOR_GAIN * c.maxLinear), Kind.VELOCITY)
                .add("angular_velocity", "rad/s", (float) (-MAX_MOTOR_GAIN * c.maxAngular), (float) (MAX_MOTOR_GAIN * c.maxAngular), Kind.VELOCITY)
                .build();
    }

    /** One robot's action space: commanded linear and angular velocity. */
    public static BoxSpace actionLayout(NavConfig c) {
        return BoxSpace.builder()
                .add("linear_velocity", "m/s", (float) -c.maxLinear, (float) c.maxLinear, Kind.COMMAND)
                .add("angular_velocity", "rad/s", (float) -c.maxAngular, (float) c.maxAngular, Kind.COMMAND)
                .build();
    }

    /** Randomizable parameters with their nominal values from {@code c}. */
    public static List<Parameter> parameterList(NavConfig c) {
        List<Parameter> p = new ArrayList<>();
        p.add(Parameter.of("mass", "kg", c.mass, 0.05, 50, "robot mass; scales the translational time constant"));
        p.add(Parameter.of("inertia_scale", "1", 1.0, 0.1, 10, "yaw inertia relative to nominal; scales the rotational time constant"));
        p.add(Parameter.of("wheel_radius", "m", c.wheelRadius, 0.005, 0.5, "true wheel radius (the base assumes the nominal one)"));
        p.add(Parameter.of("track_width", "m", c.trackWidth, 0.02, 2, "true distance between the wheels"));
        p.add(Parameter.of("motor_gain", "1", 1.0, 0, MAX_MOTOR_GAIN, "delivered wheel speed per commanded wheel speed"));
        p.add(Parameter.of("motor_time_constant", "s", c.motorTimeConstant, 0, 2, "first-order lag of the wheel speeds"));
        p.add(Parameter.of("friction", "1", 0.0, 0, 5, "viscous drag ratio: steady speed = commanded / (1 + friction)"));
        p.add(Parameter.of("lidar_noise", "m", c.lidarNoise, 0, 1, "standard deviation of range noise"));
        p.add(Parameter.of("lidar_dropout", "1", c.lidarDropout, 0, 1, "probability a beam returns nothing"));
        return p;
    }

    @Override
    public boolean hasGoals() {
        return true;
    }

    /** The settings this task runs with (a copy). */
    public NavConfig config() {
        return config.copy();
    }

    /** The lidar geometry. */
    @Override
    public Lidar lidar() {
        return lidar;
    }

    @Override
    public double robotX(int agent) {
        return x[agent];
    }

    @Override
    public double robotY(int agent) {
        return y[agent];
    }

    /** Heading (rad, counter-clockwise from +x, in [-pi, pi)). */
    @Override
    public double robotHeading(int agent) {
        return heading[agent];
    }

    /** True forward speed (m/s). */
    public double robotLinearVelocity(int agent) {
        return linear[agent];
    }

    /** True yaw rate (rad/s). */
    public double robotAngularVelocity(int agent) {
        return angular[agent];
    }

    @Override
    public double goalX(int agent) {
        return goalX[agent];
    }

    @Override
    public double goalY(int agent) {
        return goalY[agent];
    }

    /** Whether the robot is still driving (not arrived, not crashed). */
    public boolean driving(int agent) {
        return status[agent] == DRIVING;
    }

    /** Whether the robot has reached its goal. */
    public boolean arrived(int agent) {
        return status[agent] == ARRIVED;
    }

    public int obstacleCount(int world) {
        return obstacleCount[world];
    }

    public double obstacleX(int world, int k) {
        return obstacleX[world * maxObstacles + k];
    }

    public double obstacleY(int world, int k) {
        return obstacleY[world * maxObstacles + k];
    }

    public double obstacleRadius(int world, int k) {
        return obstacleR[world * maxObstacles + k];
    }

    /** Half the arena side, m: walls at +-half. */
    public double arenaHalfSize() {
        return half;
    }

    public double robotRadius() {
        return config.robotRadius;
    }

    public double goalTolerance() {
        return config.goalTolerance;
    }

    /**
     * Replaces world {@code world}'s layout (tests, scripted scenes): robot poses, goals and obstacles,
     * robots at rest; then writes observations. Arrays are per robot of the world and per obstacle.
     */
    public void setScene(int world, double[] startX, double[] startY, double[] startHeading, double[] goalsX,
                         double[] goalsY, double[] obstX, double[] obstY, double[] obstR) {
        if (startX.length != robots || startY.length != robots || startHeading.length != robots
                || goalsX.length != robots || goalsY.length != robots) {
            throw new IllegalArgumentException("scene needs " + robots + " robot poses and goals");
        }
        if (obstX.length != obstY.length || obstX.length != obstR.length || obstX.length > maxObstacles) {
            throw new IllegalArgumentException("scene obstacles: x, y, r must have the same length <= " + maxObstacles);
        }
        for (int i = 0; i < robots; i++) {
            int a = world * robots + i;
            x[a] = startX[i];
            y[a] = startY[i];
            heading[a] = Pendulum.wrap(startHeading[i]);
            goalX[a] = goalsX[i];
            goalY[a] = goalsY[i];
            linear[a] = angular[a] = linearCommand[a] = angularCommand[a] = 0;
            status[a] = DRIVING;
            goalDistance[a] = Math.hypot(goalX[a] - x[a], goalY[a] - y[a]);
        }
        int base = world * maxObstacles;
        for (int k = 0; k < obstX.length; k++) {
            obstacleX[base + k] = obstX[k];
            obstacleY[base + k] = obstY[k];
            obstacleR[base + k] = obstR[k];
        }
        obstacleCount[world] = obstX.length;
        writeObservations(world);
    }

    @Override
    protected void resetWorld(int w) {
        final NavConfig c = config;
        lagV[w] = lagFactor(motorTimeConstant[w] * mass[w] / c.mass, controlPeriod);
        lagW[w] = lagFactor(motorTimeConstant[w] * inertiaScale[w], controlPeriod);
        final int first = w * robots;
        final double margin = c.robotRadius + 0.1;
        final double lo = -half + margin;
        final double span = 2 * (half - margin);
        final double robotGap = 4 * c.robotRadius + 0.3;
        for (int i = 0; i < robots; i++) {
            int a = first + i;
            double px = 0;
            double py = 0;
            for (int attempt = 0; attempt < 200; attempt++) {
                px = lo + span * uniform(w);
                py = lo + span * uniform(w);
                if (clearOfRobots(px, py, first, i, robotGap, false)) {
                    break;
                }
            }
            x[a] = px;
            y[a] = py;
            heading[a] = Math.PI * (2 * uniform(w) - 1);
            linear[a] = angular[a] = linearCommand[a] = angularCommand[a] = 0;
            status[a] = DRIVING;
        }
        for (int i = 0; i < robots; i++) {
            int a = first + i;
            double gx = 0;
            double gy = 0;
            for (int attempt = 0; attempt < 400; attempt++) {
                gx = lo + span * uniform(w);
                gy = lo + span * uniform(w);
                double d = Math.hypot(gx - x[a], gy - y[a]);
                if (d >= c.goalDistanceMin && d <= c.goalDistanceMax
                        && clearOfRobots(gx, gy, first, i, robotGap, true)) {
                    break;
                }
            }
            goalX[a] = gx;
            goalY[a] = gy;
            goalDistance[a] = Math.hypot(gx - x[a], gy - y[a]);
        }
        int base = w * maxObstacles;
        int placed = 0;
        for (int k = 0; k < c.obstacles; k++) {
            for (int attempt = 0; attempt < 30; attempt++) {
                double r = c.obstacleRadiusMin + (c.obstacleRadiusMax - c.obstacleRadiusMin) * uniform(w);
                double ox = -half + r + (2 * (half - r)) * uniform(w);
                double oy = -half + r + (2 * (half - r)) * uniform(w);
                if (clearOfStartsAndGoals(ox, oy, r + c.robotRadius + 0.2, first)) {
                    obstacleX[base + placed] = ox;
                    obstacleY[base + placed] = oy;
                    obstacleR[base + placed] = r;
                    placed++;
                    break;
                }
            }
        }
        obstacleCount[w] = placed;
        writeObservations(w);
    }

    private double uniform(int w) {
        return SplitMix.nextDouble(random, w);
    }

    private boolean clearOfRobots(double px, double py, int first, int count, double gap, boolean goals) {
        double g2 = gap * gap;
        for (int j = 0; j < count; j++) {
            int b = first + j;
            double qx = goals ? goalX[b] : x[b];
            double qy = goals ? goalY[b] : y[b];
            if ((px - qx) * (px - qx) + (py - qy) * (py - qy) < g2) {
                return false;
            }
        }
        if (goals) {
            // A goal must not sit on another robot's start either.
            for (int j = 0; j < robots; j++) {
                if (j == count) {
                    continue;
                }
                int b = first + j;
                if ((px - x[b]) * (px - x[b]) + (py - y[b]) * (py - y[b]) < g2) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean clearOfStartsAndGoals(double ox, double oy, double clearance, int first) {
        double c2 = clearance * clearance;
        for (int j = 0; j < robots; j++) {
            int b = first + j;
            if ((ox - x[b]) * (ox - x[b]) + (oy - y[b]) * (oy - y[b]) < c2) {
                return false;
            }
            if ((ox - goalX[b]) * (ox - goalX[b]) + (oy - goalY[b]) * (oy - goalY[b]) < c2) {
                return false;
            }
        }
        return true;
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
        final double r0 = c.wheelRadius;
        final double b0 = c.trackWidth;
        final double r = wheelRadius[w];
        final double b = trackWidth[w];
        final double drag = 1.0 / (1.0 + friction[w]);
        final double kinV = motorGain[w] * (r / r0) * drag;
        final double kinW = motorGain[w] * (r / r0) * (b0 / b) * drag;
        // The lag factors depend on this episode's parameters and on dt; only jitter changes dt.
        final double gainV;
        final double gainW;
        if (dt == controlPeriod) {
            gainV = lagV[w];
            gainW = lagW[w];
        } else {
            gainV = lagFactor(motorTimeConstant[w] * mass[w] / c.mass, dt);
            gainW = lagFactor(motorTimeConstant[w] * inertiaScale[w], dt);
        }
        final double dv = c.maxLinearAcceleration * dt;
        final double dw = c.maxAngularAcceleration * dt;
        final int first = w * robots;
        final int last = first + robots;

        // 1. Move every driving robot.
        for (int a = first; a < last; a++) {
            collidedNow[a] = false;
            if (status[a] != DRIVING) {
                continue;
            }
            double vc = clamp(plant[2 * a], linearCommand[a] - dv, linearCommand[a] + dv);
            double wc = clamp(plant[2 * a + 1], angularCommand[a] - dw, angularCommand[a] + dw);
            linearCommand[a] = vc;
            angularCommand[a] = wc;
            double v = linear[a] + (kinV * vc - linear[a]) * gainV;
            double om = angular[a] + (kinW * wc - angular[a]) * gainW;
            linear[a] = v;
            angular[a] = om;
            double hm = heading[a] + 0.5 * om * dt;
            x[a] += v * dt * Math.cos(hm);
            y[a] += v * dt * Math.sin(hm);
            heading[a] = Pendulum.wrap(heading[a] + om * dt);
        }

        // 2. Collisions, arrivals and per-robot rewards.
        final double rr = c.robotRadius;
        final double wallLimit = half - rr;
        final int base = w * maxObstacles;
        final int nObst = obstacleCount[w];
        double team = 0;
        for (int a = first; a < last; a++) {
            if (status[a] != DRIVING) {
                stepReward[a] = 0;
                continue;
            }
            double px = x[a];
            double py = y[a];
            boolean hit = px < -wallLimit || px > wallLimit || py < -wallLimit || py > wallLimit;
            for (int k = 0; k < nObst && !hit; k++) {
                double dx = px - obstacleX[base + k];
                double dy = py - obstacleY[base + k];
                double reach = obstacleR[base + k] + rr;
                hit = dx * dx + dy * dy < reach * reach;
            }
            for (int o = first; o < last && !hit; o++) {
                if (o != a) {
                    double dx = px - x[o];
                    double dy = py - y[o];
                    hit = dx * dx + dy * dy < 4 * rr * rr;
                }
            }
            double gx = goalX[a] - px;
            double gy = goalY[a] - py;
            double d = Math.sqrt(gx * gx + gy * gy);
            double rew = c.progressReward * (goalDistance[a] - d) + c.timePenalty;
            goalDistance[a] = d;
            if (hit) {
                collidedNow[a] = true;
            } else if (d <= c.goalTolerance) {
                rew += c.arrivalReward;
            }
            stepReward[a] = rew;
            team += rew;
        }
        // Status changes after every robot is judged, so two robots that touch both count the collision.
        boolean anyDriving = false;
        for (int a = first; a < last; a++) {
            if (collidedNow[a]) {
                status[a] = CRASHED;
                linear[a] = angular[a] = linearCommand[a] = angularCommand[a] = 0;
            } else if (status[a] == DRIVING && goalDistance[a] <= c.goalTolerance) {
                status[a] = ARRIVED;
                linear[a] = angular[a] = linearCommand[a] = angularCommand[a] = 0;
            }
            anyDriving |= status[a] == DRIVING;
        }
        team /= robots;
        for (int a = first; a < last; a++) {
            rewards[a] = (float) (collidedNow[a] ? team + c.collisionPenalty : team);
        }

        // 3. Episode end.
        int n = ++elapsedSteps[w];
        if (!anyDriving) {
            for (int a = first; a < last; a++) {
                finish(a, status[a] == ARRIVED ? Outcome.SUCCESS : Outcome.COLLISION);
            }
        } else if (n >= maxEpisodeSteps) {
            for (int a = first; a < last; a++) {
                finish(a, status[a] == ARRIVED ? Outcome.SUCCESS : status[a] == CRASHED ? Outcome.COLLISION : Outcome.TIMEOUT);
            }
        } else {
            for (int a = first; a < last; a++) {
                finish(a, Outcome.RUNNING);
            }
        }

        // 4. Observations.
        writeObservations(w);
    }

    private void writeObservations(int w) {
        final NavConfig c = config;
        final int first = w * robots;
        final int last = first + robots;
        final int base = w * maxObstacles;
        final int nObst = obstacleCount[w];
        final double noise = lidarNoise[w];
        final double dropout = lidarDropout[w];
        final double odomV = c.wheelRadius / wheelRadius[w];
        final double odomW = odomV * trackWidth[w] / c.trackWidth;
        final float[] obs = observations;
        long rng = random[w];
        for (int a = first; a < last; a++) {
            int off = a * observationSize;
            double px = x[a];
            double py = y[a];
            double ch = Math.cos(heading[a]);
            double sh = Math.sin(heading[a]);
            lidar.castWalls(px, py, ch, sh, half, obs, off);
            for (int k = 0; k < nObst; k++) {
                lidar.castCircle(px, py, ch, sh, obstacleX[base + k], obstacleY[base + k], obstacleR[base + k], obs, off);
            }
            for (int o = first; o < last; o++) {
                if (o != a) {
                    lidar.castCircle(px, py, ch, sh, x[o], y[o], c.robotRadius, obs, off);
                }
            }
            rng = lidar.corrupt(obs, off, noise, dropout, rng);
            double gx = goalX[a] - px;
            double gy = goalY[a] - py;
            int g = off + beams;
            obs[g] = (float) goalDistance[a];
            obs[g + 1] = (float) Math.atan2(ch * gy - sh * gx, ch * gx + sh * gy);
            obs[g + 2] = (float) (linear[a] * odomV);
            obs[g + 3] = (float) (angular[a] * odomW);
        }
        random[w] = rng;
    }

    /** 1 - exp(-dt / tau), the exact step response of a first-order lag; 1 when tau is 0. */
    private static double lagFactor(double tau, double dt) {
        return tau > 0 ? 1.0 - Math.exp(-dt / tau) : 1.0;
    }

    private static double clamp(double v, double lo, double hi) {
        return v < lo ? lo : Math.min(v, hi);
    }
}
