package dev.myelin.sim.task;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The MJCF robots written for Myelin, shipped as resources under {@code dev/myelin/sim/robots/}:
 * {@code diffdrive-base.xml} (a TurtleBot-class base with a 64-beam rangefinder lidar) and
 * {@code quadruped.xml} (12 PD position-servoed joints, IMU, foot contacts), and the task specs
 * {@code nav.yaml} and {@code walk.yaml} that put Myelin's tasks on them. MuJoCo compiles from a
 * file, so a resource is copied once per JVM into a temporary folder. Any thread.
 */
public final class RobotModels {
    /** The shipped model names. */
    public static final List<String> NAMES = List.of("diffdrive-base.xml", "quadruped.xml", "nav.yaml", "walk.yaml");
    private static final Map<String, Path> EXTRACTED = new ConcurrentHashMap<>();

    private RobotModels() {
    }

    /** A file holding the shipped model {@code name}. */
    public static Path extract(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("no shipped robot model '" + name + "' (shipped: " + String.join(", ", NAMES) + ")");
        }
        return EXTRACTED.computeIfAbsent(name, n -> {
            try (InputStream in = RobotModels.class.getResourceAsStream("/dev/myelin/sim/robots/" + n)) {
                if (in == null) {
                    throw new IllegalStateException("robot model resource " + n + " is missing from the build");
                }
                Path dir = Files.createTempDirectory("myelin-robots");
                Path file = dir.resolve(n);
                Files.copy(in, file);
                file.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extract robot model " + n, e);
            }
        });
    }

    /** {@code model} when it names a file, the shipped model when it is one of {@link #NAMES}. */
    public static Path resolve(String model) {
        if (NAMES.contains(model) && !Files.isRegularFile(Path.of(model))) {
            return extract(model);
        }
        Path p = Path.of(model);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("robot model " + model + ": no such file (shipped models: " + String.join(", ", NAMES) + ")");
        }
        return p;
    }
    private static final String SITES_BEGIN = "<!-- lidar sites begin";
    private static final String SITES_END = "<!-- lidar sites end -->";
    private static final String SENSORS_BEGIN = "<!-- lidar sensors begin";
    private static final String SENSORS_END = "<!-- lidar sensors end -->";

    /**
     * The shipped base with its lidar blocks rewritten for {@code lidar}'s beams (one rangefinder site
     * per beam, pointing at {@link Lidar#beamAngle}); the shipped file itself for its own 64-beam circle.
     */
    public static Path diffDriveBase(Lidar lidar) {
        return withLidar(extract("diffdrive-base.xml"), lidar);
    }

    /**
     * {@code base} with its lidar blocks (the {@code <!-- lidar sites begin ... end -->} and
     * {@code <!-- lidar sensors begin ... end -->} comments) rewritten for {@code lidar}'s beams, next to
     * it in a temporary folder; {@code base} itself when it has no such blocks or already is that lidar.
     */
    public static Path withLidar(Path base, Lidar lidar) {
        boolean nominal = lidar.beams() == 64 && Math.abs(lidar.angleMin() + Math.PI) < 1e-12
                && Math.abs(lidar.angleIncrement() - 2 * Math.PI / 64) < 1e-12;
        String text;
        try {
            text = Files.readString(base);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read base model " + base, e);
        }
        if (!text.contains(SITES_BEGIN) || !text.contains(SENSORS_BEGIN)
                || (nominal && text.contains("name=\"range_63\"") && !text.contains("name=\"range_64\""))) {
            return base;
        }
        String key = String.format(java.util.Locale.ROOT, "%s-%d-%.6f-%.6f-%08x.xml", base.getFileName().toString().replace(".xml", ""),
                lidar.beams(), lidar.angleMin(), lidar.angleIncrement(), base.toAbsolutePath().hashCode());
        return EXTRACTED.computeIfAbsent(key, k -> {
            try {
                StringBuilder sites = new StringBuilder();
                StringBuilder sensors = new StringBuilder();
                for (int b = 0; b < lidar.beams(); b++) {
                    double a = lidar.beamAngle(b);
                    sites.append(String.format(java.util.Locale.ROOT,
                            "      <site name=\"lidar_%d\" pos=\"0 0 0.172\" zaxis=\"%.9f %.9f 0\" size=\"0.002\"/>%n", b, Math.cos(a), Math.sin(a)));
                    sensors.append(String.format(java.util.Locale.ROOT, "    <rangefinder name=\"range_%d\" site=\"lidar_%d\"/>%n", b, b));
                }
                String out = replaceBlock(text, SITES_BEGIN, SITES_END, sites.toString());
                out = replaceBlock(out, SENSORS_BEGIN, SENSORS_END, sensors.toString());
                Path dir = Files.createTempDirectory("myelin-robots");
                Path file = dir.resolve(k);
                Files.writeString(file, out);
                file.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the base model for " + lidar.beams() + " beams", e);
            }
        });
    }

    private static String replaceBlock(String text, String begin, String end, String body) {
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new IllegalStateException("diffdrive-base.xml lacks its '" + begin + "' ... '" + end + "' block");
        }
        int from = text.indexOf('\n', b) + 1;
        int to = text.lastIndexOf('\n', e) + 1;
        return text.substring(0, from) + body + text.substring(to);
    }
}
