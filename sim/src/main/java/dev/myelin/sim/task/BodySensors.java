package dev.myelin.sim.task;

import java.util.List;

/**
 * Proprioception of a physics body, published by a sim node as {@code sensor_msgs/Imu} and
 * {@code sensor_msgs/JointState}. Read between steps, on the driving thread; allocation-free.
 */
public interface BodySensors {

    /**
     * Writes agent {@code agent}'s IMU into {@code out[0..10)}: orientation quaternion x, y, z, w (world
     * frame), angular velocity x, y, z (rad/s, body frame), linear acceleration x, y, z (m/s^2, body
     * frame, gravity included as an accelerometer reads it).
     */
    void imu(int agent, double[] out);

    /** Names of the joints {@link #jointStates} reports, in order. */
    List<String> jointNames();

    /** Writes agent {@code agent}'s joint positions (rad or m), velocities and efforts (N m or N). */
    void jointStates(int agent, double[] position, double[] velocity, double[] effort);
}
