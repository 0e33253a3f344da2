package dev.myelin.sim.mujoco;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MuJoCo's own speed test ({@code mujoco-testspeed} of Debian's {@code libmujoco-samples}) on an MJCF
 * model, the C reference that Java stepping is measured against, and the same loop driven from Java
 * through the binding ({@link #javaStepsPerSecond}).
 */
public final class MujocoTestspeed {
    public static final String PROGRAM = "mujoco-testspeed";
    private static final Pattern STEPS = Pattern.compile("Steps per second\\s*:\\s*([0-9.]+)");
    private static final Pattern CONTACTS = Pattern.compile("Contacts per step\\s*:\\s*([0-9.]+)");

    /** One run: physics steps ({@code mj_step}) per second and the mean contacts per step it reported. */
    public record Result(double stepsPerSecond, double contactsPerStep) {
    }

    private MujocoTestspeed() {
    }

    /** Runs {@code mujoco-testspeed xml steps threads ctrlNoise}. */
    public static Result run(Path xml, int steps, int threads, double ctrlNoise) {
        Path dir = xml.toAbsolutePath().getParent();
        String out = MjLayout.run(dir, List.of(PROGRAM, xml.toAbsolutePath().toString(), Integer.toString(steps),
                Integer.toString(threads), Double.toString(ctrlNoise)), "libmujoco-samples");
        Matcher m = STEPS.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException(PROGRAM + " printed no steps per second:\n" + out);
        }
        Matcher c = CONTACTS.matcher(out);
        return new Result(Double.parseDouble(m.group(1)), c.find() ? Double.parseDouble(c.group(1)) : Double.NaN);
    }

    /** Writes the resource model {@code name} to {@code dir} (for {@code mujoco-testspeed}). */
    public static Path stage(String name, Path dir) {
        try {
            Files.createDirectories(dir);
            Path p = dir.resolve(name);
            Files.writeString(p, MujocoModels.text(name));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The testspeed loop from Java: {@code steps} calls of {@code mj_step} from the reference state,
     * each after writing Gaussian control noise of {@code ctrlNoise} (precomputed, as testspeed does).
     *
     * @return physics steps per second of wall time
     */
    public static double javaStepsPerSecond(MjModel model, int steps, double ctrlNoise, long seed) {
        int nu = model.nu();
        double[] noise = new double[Math.max(1, nu) * 1024];
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < noise.length; i++) {
            double u1 = 1.0 - r.nextDouble();
            noise[i] = ctrlNoise * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * r.nextDouble());
        }
        try (MjData d = model.makeData()) {
            d.reset();
            MjArray ctrl = d.ctrl();
            long start = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                int base = (s & 1023) * nu;
                if (nu > 0) {
                    ctrl.copyFrom(noise, base, 0, nu);
                }
                d.step();
            }
            return steps / ((System.nanoTime() - start) / 1e9);
        }
    }
}
