package dev.myelin.sim.task;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Settings of the differential-drive navigation tasks, TurtleBot3 Burger class by default (wheel
 * radius 33 mm, track 160 mm, 0.22 m/s and 2.84 rad/s, LDS-01 lidar 0.12 to 3.5 m). Fluent setters,
 * {@link #set(String, String)} for command-line {@code key=value} options, and {@link #validate()}
 * which the task calls once. Mutable until handed to a task; one thread.
 */
public final class NavConfig {
    int robots = 1;
    int beams = 64;
    double fieldOfView = 2 * Math.PI;
    double rangeMin = 0.12;
    double rangeMax = 3.5;
    double lidarNoise = 0.01;
    double lidarDropout = 0.0;

    double arenaSize = 6.0;
    int obstacles = 10;
    double obstacleRadiusMin = 0.15;
    double obstacleRadiusMax = 0.45;

    double robotRadius = 0.105;
    double mass = 1.0;
    double wheelRadius = 0.033;
    double trackWidth = 0.160;
    double maxLinear = 0.22;
    double maxAngular = 2.84;
    double maxLinearAcceleration = 0.5;
    double maxAngularAcceleration = 3.2;
    double motorTimeConstant = 0.05;

    double controlPeriod = 0.1;
    int maxSteps = 500;
    double goalTolerance = 0.2;
    double goalDistanceMin = 1.0;
    double goalDistanceMax = 4.0;

    double progressReward = 10.0;
    double arrivalReward = 10.0;
    double collisionPenalty = -10.0;
    double timePenalty = -0.01;

    private static final Map<String, BiConsumer<NavConfig, String>> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("robots", (c, v) -> c.robots(parseInt("robots", v)));
        KEYS.put("beams", (c, v) -> c.beams(parseInt("beams", v)));
        KEYS.put("fov_deg", (c, v) -> c.fieldOfView(Math.toRadians(parse("fov_deg", v))));
        KEYS.put("range_min", (c, v) -> c.range(parse("range_min", v), c.rangeMax));
        KEYS.put("range_max", (c, v) -> c.range(c.rangeMin, parse("range_max", v)));
        KEYS.put("lidar_noise", (c, v) -> c.lidarNoise(parse("lidar_noise", v)));
        KEYS.put("lidar_dropout", (c, v) -> c.lidarDropout(parse("lidar_dropout", v)));
        KEYS.put("arena", (c, v) -> c.arenaSize(parse("arena", v)));
        KEYS.put("obstacles", (c, v) -> c.obstacles(parseInt("obstacles", v)));
        KEYS.put("obstacle_radius_min", (c, v) -> c.obstacleRadius(parse("obstacle_radius_min", v), c.obstacleRadiusMax));
        KEYS.put("obstacle_radius_max", (c, v) -> c.obstacleRadius(c.obstacleRadiusMin, parse("obstacle_radius_max", v)));
        KEYS.put("max_steps", (c, v) -> c.maxSteps(parseInt("max_steps", v)));
        KEYS.put("control_period", (c, v) -> c.controlPeriod(parse("control_period", v)));
        KEYS.put("goal_tolerance", (c, v) -> c.goalTolerance(parse("goal_tolerance", v)));
    }

    /** Keys {@link #set(String, String)} accepts. */
    public static Iterable<String> keys() {
        return KEYS.keySet();
    }

    /** Applies one {@code key=value} option; unknown keys and unparsable values are refused by name. */
    public NavConfig set(String key, String value) {
        BiConsumer<NavConfig, String> setter = KEYS.get(key);
        if (setter == null) {
            throw new IllegalArgumentException("unknown navigation option '" + key + "' (known: "
                    + String.join(", ", KEYS.keySet()) + ")");
        }
        setter.accept(this, value);
        return this;
    }

    private static double parse(String key, String v) {
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + key + ": '" + v + "' is not a number");
        }
    }

    private static int parseInt(String key, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + key + ": '" + v + "' is not a whole number");
        }
    }

    public NavConfig robots(int n) {
        robots = n;
        return this;
    }

    public NavConfig beams(int n) {
        beams = n;
        return this;
    }

    /** Angular width of the scan, radians; 2 pi is a full circle. */
    public NavConfig fieldOfView(double radians) {
        fieldOfView = radians;
        return this;
    }

    public NavConfig range(double min, double max) {
        rangeMin = min;
        rangeMax = max;
        return this;
    }

    /** Standard deviation of range noise, m (nominal value of {@code lidar_noise}). */
    public NavConfig lidarNoise(double std) {
        lidarNoise = std;
        return this;
    }

    /** Probability a beam returns nothing (nominal value of {@code lidar_dropout}). */
    public NavConfig lidarDropout(double p) {
        lidarDropout = p;
        return this;
    }

    /** Side of the square walled arena, m. */
    public NavConfig arenaSize(double m) {
        arenaSize = m;
        return this;
    }

    public NavConfig obstacles(int n) {
        obstacles = n;
        return this;
    }

    public NavConfig obstacleRadius(double min, double max) {
        obstacleRadiusMin = min;
        obstacleRadiusMax = max;
        return this;
    }

    public NavConfig maxSteps(int n) {
        maxSteps = n;
        return this;
    }

    public NavConfig controlPeriod(double seconds) {
        controlPeriod = seconds;
        return this;
    }

    public NavConfig goalTolerance(double m) {
        goalTolerance = m;
        return this;
    }

    public NavConfig goalDistance(double min, double max) {
        goalDistanceMin = min;
        goalDistanceMax = max;
        return this;
    }

    /** Velocity limits (m/s, rad/s) of the action space. */
    public NavConfig velocityLimits(double linear, double angular) {
        maxLinear = linear;
        maxAngular = angular;
        return this;
    }

    /** Acceleration limits (m/s^2, rad/s^2) of the base's velocity smoother. */
    public NavConfig accelerationLimits(double linear, double angular) {
        maxLinearAcceleration = linear;
        maxAngularAcceleration = angular;
        return this;
    }

    /** Reward weights: per metre of progress, on arrival, on collision, per step. */
    public NavConfig rewards(double progress, double arrival, double collision, double perStep) {
        progressReward = progress;
        arrivalReward = arrival;
        collisionPenalty = collision;
        timePenalty = perStep;
        return this;
    }

    public int robots() {
        return robots;
    }

    public int beams() {
        return beams;
    }

    public double rangeMin() {
        return rangeMin;
    }

    public double rangeMax() {
        return rangeMax;
    }

    public double fieldOfView() {
        return fieldOfView;
    }

    public double arenaSize() {
        return arenaSize;
    }

    public double robotRadius() {
        return robotRadius;
    }

    public double goalTolerance() {
        return goalTolerance;
    }

    public double maxLinear() {
        return maxLinear;
    }

    public double maxAngular() {
        return maxAngular;
    }

    public double controlPeriod() {
        return controlPeriod;
    }

    public int maxSteps() {
        return maxSteps;
    }

    /** Checks every setting; throws naming the first that is wrong. */
    public NavConfig validate() {
        require(robots >= 1 && robots <= 64, "robots must be in [1, 64], got " + robots);
        require(beams >= 1 && beams <= 4096, "beams must be in [1, 4096], got " + beams);
        require(fieldOfView > 0 && fieldOfView <= 2 * Math.PI, "field of view must be in (0, 2 pi], got " + fieldOfView);
        require(rangeMin >= 0 && rangeMin < rangeMax && Double.isFinite(rangeMax),
                "lidar range must satisfy 0 <= min < max, got [" + rangeMin + ", " + rangeMax + "]");
        require(lidarNoise >= 0 && lidarNoise <= 1, "lidar noise must be in [0, 1] m, got " + lidarNoise);
        require(lidarDropout >= 0 && lidarDropout <= 1, "lidar dropout must be in [0, 1], got " + lidarDropout);
        require(arenaSize > 4 * robotRadius && Double.isFinite(arenaSize), "arena size must exceed 4 robot radii, got " + arenaSize);
        require(obstacles >= 0 && obstacles <= 256, "obstacles must be in [0, 256], got " + obstacles);
        require(obstacleRadiusMin > 0 && obstacleRadiusMin <= obstacleRadiusMax && obstacleRadiusMax < arenaSize / 4,
                "obstacle radius must satisfy 0 < min <= max < arena/4, got [" + obstacleRadiusMin + ", " + obstacleRadiusMax + "]");
        require(maxSteps >= 1, "max steps must be >= 1, got " + maxSteps);
        require(controlPeriod > 0 && controlPeriod <= 1, "control period must be in (0, 1] s, got " + controlPeriod);
        require(goalTolerance > 0, "goal tolerance must be > 0 m, got " + goalTolerance);
        require(goalDistanceMin >= 0 && goalDistanceMin <= goalDistanceMax,
                "goal distance must satisfy 0 <= min <= max, got [" + goalDistanceMin + ", " + goalDistanceMax + "]");
        require(maxLinear > 0 && maxAngular > 0, "velocity limits must be > 0");
        require(maxLinearAcceleration > 0 && maxAngularAcceleration > 0, "acceleration limits must be > 0");
        require(motorTimeConstant >= 0, "motor time constant must be >= 0");
        // Robots need room: every start and goal keeps a clear disc around it.
        double free = arenaSize - 2 * (robotRadius + 0.05);
        require(robots * Math.pow(4 * robotRadius + 0.3, 2) < 0.5 * free * free,
                "arena " + arenaSize + " m is too small for " + robots + " robots");
        return this;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("navigation config: " + message);
        }
    }

    /** A copy (tasks keep their own). */
    public NavConfig copy() {
        NavConfig c = new NavConfig();
        c.robots = robots;
        c.beams = beams;
        c.fieldOfView = fieldOfView;
        c.rangeMin = rangeMin;
        c.rangeMax = rangeMax;
        c.lidarNoise = lidarNoise;
        c.lidarDropout = lidarDropout;
        c.arenaSize = arenaSize;
        c.obstacles = obstacles;
        c.obstacleRadiusMin = obstacleRadiusMin;
        c.obstacleRadiusMax = obstacleRadiusMax;
        c.robotRadius = robotRadius;
        c.mass = mass;
        c.wheelRadius = wheelRadius;
        c.trackWidth = trackWidth;
        c.maxLinear = maxLinear;
        c.maxAngular = maxAngular;
        c.maxLinearAcceleration = maxLinearAcceleration;
        c.maxAngularAcceleration = maxAngularAcceleration;
        c.motorTimeConstant = motorTimeConstant;
        c.controlPeriod = controlPeriod;
        c.maxSteps = maxSteps;
        c.goalTolerance = goalTolerance;
        c.goalDistanceMin = goalDistanceMin;
        c.goalDistanceMax = goalDistanceMax;
        c.progressReward = progressReward;
        c.arrivalReward = arrivalReward;
        c.collisionPenalty = collisionPenalty;
        c.timePenalty = timePenalty;
        return c;
    }
}
