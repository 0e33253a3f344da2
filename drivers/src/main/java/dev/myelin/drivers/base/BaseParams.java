package dev.myelin.drivers.base;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import dev.myelin.ros2.tf.TfFrames;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The robot base's parameter file ({@code base.yaml}). Every key is checked; an unknown or missing key,
 * or a value out of range, is reported with its path. Pins are BCM GPIO numbers; times in seconds.
 * <pre>
 * rate_hz: 50
 * geometry: {wheel_radius: 0.033, track_width: 0.16}
 * motors:
 *   pwm_frequency: 1000        # Hz
 *   max_wheel_speed: 20.0      # rad/s at max_duty
 *   max_duty: 90               # percent
 *   deadband: 8                # percent
 *   command_timeout: 0.5       # s of cmd_vel silence before the motors stop
 *   left:  {pwm_pin: 12, direction_pin: 5, inverted: false}
 *   right: {pwm_pin: 13, direction_pin: 6, inverted: true}
 * encoders:
 *   ticks_per_revolution: 1440
 *   left:  {a_pin: 17, b_pin: 27, inverted: false}
 *   right: {a_pin: 22, b_pin: 23, inverted: true}
 * imu: {bus: 1, address: 0x68, gyro_range: 0, accel_range: 0, dlpf: 3, sample_rate_divider: 0, calibration_samples: 200}
 * estop: {pin: 26, active_high: false, debounce: 0.02}
 * frames: {odom: odom, base: base_footprint, imu: imu_link, laser: base_scan}   # laser optional
 * mounts:                                     # optional: sensors on the base, m and rad
 *   laser: {x: 0.0, y: 0.0, z: 0.18, yaw: 0.0}
 *   imu: {x: 0.0, y: 0.0, z: 0.07, yaw: 0.0}
 * </pre>
 * The frames and mounts also give the transforms the base broadcasts ({@link #tf()}); absent
 * ones keep {@link TfFrames#rep105()}'s values.
 */
public record BaseParams(double rateHz, BaseGeometry geometry, MotorChannel.Settings left, MotorChannel.Settings right,
                         double commandTimeout, int ticksPerRevolution, Encoder leftEncoder, Encoder rightEncoder,
                         int imuBus, int imuAddress, Mpu6050.Settings imu, int calibrationSamples,
                         int estopPin, boolean estopActiveHigh, double estopDebounce,
                         String odomFrame, String baseFrame, String imuFrame, TfFrames tf) {

    public record Encoder(int aPin, int bPin, boolean inverted) {
    }

    public static BaseParams load(Path file) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a YAML mapping of base parameters");
        }
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    public static BaseParams parse(JsonNode root) {
        keys(root, "", Set.of("rate_hz", "geometry", "motors", "encoders", "imu", "estop", "frames", "mounts"));
        JsonNode g = object(root, "geometry");
        keys(g, "geometry.", Set.of("wheel_radius", "track_width"));
        BaseGeometry geometry = new BaseGeometry(number(g, "geometry.", "wheel_radius"), number(g, "geometry.", "track_width"));
        JsonNode m = object(root, "motors");
        keys(m, "motors.", Set.of("pwm_frequency", "max_wheel_speed", "max_duty", "deadband", "command_timeout", "left", "right"));
        int freq = integer(m, "motors.", "pwm_frequency", 1, 1_000_000);
        double maxSpeed = number(m, "motors.", "max_wheel_speed");
        double maxDuty = number(m, "motors.", "max_duty");
        double deadband = number(m, "motors.", "deadband");
        double timeout = number(m, "motors.", "command_timeout");
        if (!(timeout > 0)) {
            throw new IllegalArgumentException("motors.command_timeout must be positive, got " + timeout);
        }
        MotorChannel.Settings left = motor(object(m, "left"), "motors.left.", freq, maxSpeed, maxDuty, deadband);
        MotorChannel.Settings right = motor(object(m, "right"), "motors.right.", freq, maxSpeed, maxDuty, deadband);
        JsonNode e = object(root, "encoders");
        keys(e, "encoders.", Set.of("ticks_per_revolution", "left", "right"));
        int ticks = integer(e, "encoders.", "ticks_per_revolution", 1, Integer.MAX_VALUE);
        Encoder le = encoder(object(e, "left"), "encoders.left.");
        Encoder re = encoder(object(e, "right"), "encoders.right.");
        JsonNode i = object(root, "imu");
        keys(i, "imu.", Set.of("bus", "address", "gyro_range", "accel_range", "dlpf", "sample_rate_divider", "calibration_samples"));
        Mpu6050.Settings imu = new Mpu6050.Settings(integer(i, "imu.", "gyro_range", 0, 3), integer(i, "imu.", "accel_range", 0, 3),
                integer(i, "imu.", "dlpf", 0, 6), integer(i, "imu.", "sample_rate_divider", 0, 255));
        JsonNode s = object(root, "estop");
        keys(s, "estop.", Set.of("pin", "active_high", "debounce"));
        double debounce = number(s, "estop.", "debounce");
        if (!(debounce >= 0 && debounce <= 1)) {
            throw new IllegalArgumentException("estop.debounce must be in [0, 1] s, got " + debounce);
        }
        JsonNode f = object(root, "frames");
        keys(f, "frames.", Set.of("odom", "base", "imu", "laser"));
        TfFrames tf = frames(f, root.get("mounts"));
        double rate = number(root, "", "rate_hz");
        if (!(rate > 0 && rate <= 1000)) {
            throw new IllegalArgumentException("rate_hz must be in (0, 1000], got " + rate);
        }
        try {
            return new BaseParams(rate, geometry, left, right, timeout, ticks, le, re, integer(i, "imu.", "bus", 0, 255),
                    integer(i, "imu.", "address", 0x03, 0x77), imu, integer(i, "imu.", "calibration_samples", 1, 100_000),
                    pin(s, "estop.", "pin"), bool(s, "estop.", "active_high"), debounce,
                    text(f, "frames.", "odom"), text(f, "frames.", "base"), text(f, "frames.", "imu"), tf);
        } catch (IllegalArgumentException ex) {
            throw ex;
        }
    }

    /** The transforms' frames and mounts, as the flat parameters {@link TfFrames#fromParameters} reads. */
    private static TfFrames frames(JsonNode f, JsonNode mounts) {
        Map<String, Object> p = new HashMap<>();
        for (String k : List.of("odom", "base", "imu", "laser")) {
            if (f.has(k)) {
                p.put("frames." + k, text(f, "frames.", k));
            }
        }
        if (mounts != null) {
            if (!mounts.isObject()) {
                throw new IllegalArgumentException("mounts must be a mapping of sensor to {x, y, z, yaw}, got " + mounts);
            }
            keys(mounts, "mounts.", Set.of("laser", "imu"));
            for (String sensor : List.of("laser", "imu")) {
                JsonNode m = mounts.get(sensor);
                if (m == null) {
                    continue;
                }
                String path = "mounts." + sensor + ".";
                if (!m.isObject()) {
                    throw new IllegalArgumentException(path.substring(0, path.length() - 1) + " must be a mapping {x, y, z, yaw}, got " + m);
                }
                keys(m, path, Set.of("x", "y", "z", "yaw"));
                for (String axis : List.of("x", "y", "z", "yaw")) {
                    if (m.has(axis)) {
                        p.put(path + axis, number(m, path, axis));
                    }
                }
            }
        }
        return TfFrames.fromParameters(p);
    }

    private static MotorChannel.Settings motor(JsonNode n, String path, int freq, double maxSpeed, double maxDuty,
                                               double deadband) {
        keys(n, path, Set.of("pwm_pin", "direction_pin", "inverted"));
        return new MotorChannel.Settings(pin(n, path, "pwm_pin"), pin(n, path, "direction_pin"), freq, maxSpeed, maxDuty,
                deadband, bool(n, path, "inverted"));
    }

    private static Encoder encoder(JsonNode n, String path) {
        keys(n, path, Set.of("a_pin", "b_pin", "inverted"));
        return new Encoder(pin(n, path, "a_pin"), pin(n, path, "b_pin"), bool(n, path, "inverted"));
    }

    private static void keys(JsonNode n, String path, Set<String> allowed) {
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                unknown.add(path + k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown parameter(s) " + unknown + " (known under '" + path + "': "
                    + new java.util.TreeSet<>(allowed) + ")");
        }
    }

    private static JsonNode object(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.isObject()) {
            throw new IllegalArgumentException("missing section '" + key + "'");
        }
        return v;
    }

    private static JsonNode value(JsonNode n, String path, String key) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing parameter " + path + key);
        }
        return v;
    }

    private static double number(JsonNode n, String path, String key) {
        JsonNode v = value(n, path, key);
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new IllegalArgumentException(path + key + " must be a number, got " + v);
        }
        return v.asDouble();
    }

    private static int integer(JsonNode n, String path, String key, int min, int max) {
        JsonNode v = value(n, path, key);
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
            throw new IllegalArgumentException(path + key + " must be an integer in [" + min + ", " + max + "], got " + v);
        }
        return v.asInt();
    }

    private static int pin(JsonNode n, String path, String key) {
        return integer(n, path, key, 0, 53);
    }

    private static boolean bool(JsonNode n, String path, String key) {
        JsonNode v = value(n, path, key);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(path + key + " must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    private static String text(JsonNode n, String path, String key) {
        JsonNode v = value(n, path, key);
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(path + key + " must be a non-empty string, got " + v);
        }
        return v.asText();
    }
}
