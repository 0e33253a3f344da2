package dev.myelin.controller.bringup;

import dev.myelin.controller.config.ControllerParams;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Shipped parameter files for bringing a base up (and for the loop benchmark). */
public final class BringUp {
    /** Resource name of the TurtleBot-class navigation parameter file. */
    public static final String TURTLEBOT_NAV = "turtlebot-nav.yaml";

    private BringUp() {
    }

    /** The text of a shipped parameter file. */
    public static String paramsText(String name) {
        try (InputStream in = BringUp.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no shipped parameter file " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The TurtleBot navigation parameters: 16 min-pooled lidar sectors, goal distance and bearing,
     * odometry velocities; {@code /cmd_vel} linear.x and angular.z; e-stop, episode reset, 1 Hz diagnostics.
     */
    public static ControllerParams turtlebotNav() {
        return ControllerParams.parse(paramsText(TURTLEBOT_NAV), TURTLEBOT_NAV, null);
    }
}
