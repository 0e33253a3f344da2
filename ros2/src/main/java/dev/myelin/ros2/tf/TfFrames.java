package dev.myelin.ros2.tf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The frames of one mobile base (REP 105): {@code odom} (the odometry frame), {@code base} (the
 * robot's footprint, child of odom), and the sensor frames {@code laser} and {@code imu} fixed on
 * the base at their mounts.
 *
 * <p>As parameters (flat keys, as under {@code ros__parameters}): {@code frames.odom},
 * {@code frames.base}, {@code frames.laser}, {@code frames.imu}, and
 * {@code mounts.laser.{x,y,z,yaw}}, {@code mounts.imu.{x,y,z,yaw}} in metres and radians; absent
 * keys keep {@link #rep105()}'s values.
 */
public record TfFrames(String odom, String base, String laser, String imu, Mount laserMount, Mount imuMount) {
    private static final Pattern FRAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*");

    /** Where a sensor sits on the base: translation in metres, rotation about z in radians. */
    public record Mount(double x, double y, double z, double yaw) {
        public Mount {
            if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(z) || !Double.isFinite(yaw)) {
                throw new IllegalArgumentException("mount (" + x + ", " + y + ", " + z + ", yaw " + yaw
                        + ") must be finite");
            }
        }
    }

    public TfFrames {
        check("frames.odom", odom);
        check("frames.base", base);
        check("frames.laser", laser);
        check("frames.imu", imu);
        if (new java.util.HashSet<>(List.of(odom, base, laser, imu)).size() != 4) {
            throw new IllegalArgumentException("frames odom=" + odom + ", base=" + base + ", laser=" + laser + ", imu="
                    + imu + " must be four different names");
        }
        if (laserMount == null || imuMount == null) {
            throw new IllegalArgumentException("sensor mounts must be given");
        }
    }

    /**
     * REP 105 names: {@code odom}, {@code base_footprint}, {@code base_scan} (the lidar, as on
     * TurtleBot-class bases) and {@code imu_link}; the lidar 0.18 m and the IMU 0.07 m above the footprint.
     */
    public static TfFrames rep105() {
        return new TfFrames("odom", "base_footprint", "base_scan", "imu_link", new Mount(0, 0, 0.18, 0),
                new Mount(0, 0, 0.07, 0));
    }

    /** The same frames with {@code prefix} in front of each name (e.g. {@code robot_1/} for one of several robots). */
    public TfFrames prefixed(String prefix) {
        return new TfFrames(prefix + odom, prefix + base, prefix + laser, prefix + imu, laserMount, imuMount);
    }

    /** Parameter names this type reads, sorted. */
    public static Set<String> parameterNames() {
        Set<String> names = new TreeSet<>(List.of("frames.odom", "frames.base", "frames.laser", "frames.imu"));
        for (String sensor : List.of("laser", "imu")) {
            for (String axis : List.of("x", "y", "z", "yaw")) {
                names.add("mounts." + sensor + "." + axis);
            }
        }
        return names;
    }

    /**
     * Frames from parameters, starting from {@link #rep105()}. Only the keys of
     * {@link #parameterNames()} are read; the others are left to their owners.
     *
     * @throws IllegalArgumentException naming the parameter for a value of the wrong type or an invalid name
     */
    public static TfFrames fromParameters(Map<String, ?> parameters) {
        TfFrames d = rep105();
        Map<String, Object> p = new LinkedHashMap<>();
        for (String name : parameterNames()) {
            if (parameters.containsKey(name)) {
                p.put(name, parameters.get(name));
            }
        }
        return new TfFrames(text(p, "frames.odom", d.odom), text(p, "frames.base", d.base),
                text(p, "frames.laser", d.laser), text(p, "frames.imu", d.imu),
                mount(p, "laser", d.laserMount), mount(p, "imu", d.imuMount));
    }

    private static String text(Map<String, Object> p, String key, String fallback) {
        Object v = p.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("parameter " + key + " must be a string, got " + v);
        }
        return s;
    }

    private static Mount mount(Map<String, Object> p, String sensor, Mount fallback) {
        String at = "mounts." + sensor + ".";
        try {
            return new Mount(number(p, at + "x", fallback.x()), number(p, at + "y", fallback.y()),
                    number(p, at + "z", fallback.z()), number(p, at + "yaw", fallback.yaw()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameter mounts." + sensor + ": " + e.getMessage(), e);
        }
    }

    private static double number(Map<String, Object> p, String key, double fallback) {
        Object v = p.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("parameter " + key + " must be a number, got " + v);
        }
        double d = n.doubleValue();
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("parameter " + key + " must be finite, got " + d);
        }
        return d;
    }

    private static void check(String key, String frame) {
        if (frame == null || !FRAME.matcher(frame).matches()) {
            throw new IllegalArgumentException(key + " '" + frame + "' is not a tf2 frame id (letters, digits, _ and /"
                    + " between names, no leading /)");
        }
    }
}
