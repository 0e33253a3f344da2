package dev.myelin.ros2.interop;

import dev.myelin.ros2.msg.Field;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.msg.PrimitiveArray;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The samples the interop peers exchange, built in Java exactly as {@code fill_twist},
 * {@code fill_scan} and {@code fill_string} build them in {@code cyclone_peer.c} (and the Fast DDS
 * peer), and the parser for the peers' {@code SAMPLE} and {@code CDR} output lines.
 */
public final class InteropSamples {
    /** Peer type keyword for a ROS type, e.g. {@code twist} for {@code geometry_msgs/msg/Twist}. */
    public static String keyword(MessageType type) {
        return switch (type.name()) {
            case "geometry_msgs/msg/Twist" -> "twist";
            case "sensor_msgs/msg/LaserScan" -> "scan";
            case "std_msgs/msg/String" -> "string";
            default -> throw new IllegalArgumentException("the interop peers do not speak " + type);
        };
    }

    private InteropSamples() {
    }

    /** Overwrites {@code m} with sample {@code i} of its type. */
    public static void fill(Message m, int i) {
        MessageType t = m.type();
        switch (keyword(t)) {
            case "twist" -> {
                m.setDouble(t.field("linear.x"), i + 0.5);
                m.setDouble(t.field("linear.y"), -i);
                m.setDouble(t.field("linear.z"), i * 1e-3);
                m.setDouble(t.field("angular.x"), 0.25 * i);
                m.setDouble(t.field("angular.y"), i % 2 == 0 ? Double.NaN : -1e300);
                m.setDouble(t.field("angular.z"), 7.0);
            }
            case "scan" -> {
                m.setLong(t.field("header.stamp.sec"), 1700000000 + i);
                m.setLong(t.field("header.stamp.nanosec"), 1000L * i);
                m.setString(t.field("header.frame_id"), "laser_" + i);
                m.setFloat(t.field("angle_min"), -3.14159f);
                m.setFloat(t.field("angle_max"), 3.14159f);
                m.setFloat(t.field("angle_increment"), 0.0174533f);
                m.setFloat(t.field("time_increment"), 1e-4f);
                m.setFloat(t.field("scan_time"), 0.1f);
                m.setFloat(t.field("range_min"), 0.12f);
                m.setFloat(t.field("range_max"), 12.0f);
                PrimitiveArray ranges = m.primitives(t.field("ranges"));
                ranges.resize(360);
                float[] r = ranges.floatArray();
                for (int k = 0; k < 360; k++) {
                    r[k] = (float) (k * 0.01 + i);
                }
                r[7] = Float.POSITIVE_INFINITY;
                r[8] = Float.NaN;
                PrimitiveArray intensities = m.primitives(t.field("intensities"));
                intensities.resize(i % 3);
                for (int k = 0; k < i % 3; k++) {
                    intensities.setFloat(k, k + 0.5f);
                }
            }
            default -> m.setString(t.field("data"), "hello " + i + " \u00fcn\u00efc\u00f8d\u00e9 \u2713");
        }
    }

    /** Decodes a peer's {@code CDR <hex>} line. */
    public static byte[] parseCdrLine(String line) {
        if (!line.startsWith("CDR ")) {
            throw new IllegalArgumentException("not a CDR line: " + line);
        }
        return HexFormat.of().parseHex(line.substring(4).strip());
    }

    /** Builds the message a peer's {@code SAMPLE <type> ...} line describes. */
    public static Message parseSampleLine(MessageType type, String line) {
        String[] w = line.strip().split(" ");
        if (w.length < 2 || !w[0].equals("SAMPLE") || !w[1].equals(keyword(type))) {
            throw new IllegalArgumentException("not a " + keyword(type) + " SAMPLE line: " + line);
        }
        Message m = type.newMessage();
        switch (w[1]) {
            case "twist" -> {
                String[] paths = {"linear.x", "linear.y", "linear.z", "angular.x", "angular.y", "angular.z"};
                for (int k = 0; k < 6; k++) {
                    m.setDouble(type.field(paths[k]), hexDouble(w[2 + k]));
                }
            }
            case "scan" -> {
                m.setLong(type.field("header.stamp.sec"), Long.parseLong(w[2]));
                m.setLong(type.field("header.stamp.nanosec"), Long.parseLong(w[3]));
                m.setString(type.field("header.frame_id"), w[4]);
                String[] paths = {"angle_min", "angle_max", "angle_increment", "time_increment", "scan_time",
                        "range_min", "range_max"};
                for (int k = 0; k < paths.length; k++) {
                    m.setFloat(type.field(paths[k]), (float) hexDouble(w[5 + k]));
                }
                int at = 12;
                at = readFloats(m.primitives(type.field("ranges")), w, at);
                readFloats(m.primitives(type.field("intensities")), w, at);
            }
            default -> m.setString(type.field("data"),
                    new String(HexFormat.of().parseHex(w.length > 2 ? w[2] : ""), StandardCharsets.UTF_8));
        }
        return m;
    }

    private static int readFloats(PrimitiveArray a, String[] w, int at) {
        int n = Integer.parseInt(w[at++]);
        a.resize(n);
        for (int k = 0; k < n; k++) {
            a.setFloat(k, (float) hexDouble(w[at++]));
        }
        return at;
    }

    /** Parses C99 {@code %a} output, including {@code nan} and {@code inf}. */
    static double hexDouble(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT).replace("-nan", "nan")) {
            case "nan" -> Double.NaN;
            case "inf", "+inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    /** A field of {@code type} by path (convenience for callers building samples). */
    static Field field(MessageType type, String path) {
        return type.field(path);
    }
}
