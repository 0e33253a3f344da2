package dev.myelin.sim.mujoco;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The MJCF models shipped in this package's resources, compiled from a temporary copy. Any thread. */
public final class MujocoModels {
    private MujocoModels() {
    }

    /** Compiles the resource {@code name} (e.g. {@code hopper.xml}) of this package. */
    public static MjModel load(String name) {
        byte[] xml = MjLayout.resource(name);
        try {
            Path tmp = Files.createTempFile("myelin-" + name.replace(".xml", "") + "-", ".xml");
            try {
                Files.write(tmp, xml);
                return MjModel.load(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage MJCF resource " + name, e);
        }
    }

    /** The text of the resource {@code name} (for {@code mujoco-testspeed} and for users to start from). */
    public static String text(String name) {
        return new String(MjLayout.resource(name), java.nio.charset.StandardCharsets.UTF_8);
    }
}
