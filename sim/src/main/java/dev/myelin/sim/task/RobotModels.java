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
 * {@code quadruped.xml} (12 PD position-servoed joints, IMU, foot contacts). MuJoCo compiles from a
 * file, so a resource is copied once per JVM into a temporary folder. Any thread.
 */
public final class RobotModels {
    /** The shipped model names. */
    public static final List<String> NAMES = List.of("diffdrive-base.xml", "quadruped.xml");
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
        if (NAMES.contains(model)) {
            return extract(model);
        }
        Path p = Path.of(model);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("robot model " + model + ": no such file (shipped models: " + String.join(", ", NAMES) + ")");
        }
        return p;
    }
}
