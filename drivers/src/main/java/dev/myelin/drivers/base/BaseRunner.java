package dev.myelin.drivers.base;

import dev.myelin.ros2.Node;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The base as a process ({@code ./myelin base}): opens its pins through Pi4J, calibrates the IMU, and runs a
 * {@link BaseNode} on {@code node} at the parameter file's rate until the thread is interrupted. The motors
 * stop when it ends and when the JVM shuts down.
 */
public final class BaseRunner {

    private BaseRunner() {
    }

    /**
     * Runs the base until the calling thread is interrupted; progress lines go to {@code out}.
     *
     * @param withImu false for a base without (or with a broken) MPU-6050
     * @return the base's cycles
     */
    public static long run(Node node, com.pi4j.context.Context pi4j, BaseParams p, boolean withImu, PrintStream out) {
        BaseHardware hw = open(pi4j, p);
        Mpu6050 imu = null;
        if (withImu) {
            out.println("base: calibrating the IMU over " + p.calibrationSamples() + " samples, keep the robot still");
            imu = hw.startImu();
        }
        try (BaseNode base = new BaseNode(node, hw, imu, p)) {
            Runtime.getRuntime().addShutdownHook(new Thread(hw.motors::stop));
            out.printf(Locale.ROOT, "base: %s running at %.0f Hz%n", node.fullyQualifiedName(), p.rateHz());
            long missed = base.run(p.rateHz(), () -> true);
            out.println("base: stopped after " + base.ticks() + " cycles, " + missed + " missed");
            return base.ticks();
        }
    }

    /** The base's I/O, or an error that says what the Pi must provide. */
    static BaseHardware open(com.pi4j.context.Context pi4j, BaseParams p) {
        try {
            return new BaseHardware(pi4j, p);
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new IllegalStateException("cannot open the base's pins through Pi4J: " + e.getMessage()
                    + (root != e ? " (" + root.getMessage() + ")" : "")
                    + "; ./myelin base runs on a Raspberry Pi with gpiod, hardware PWM and I2C enabled", e);
        }
    }
}
