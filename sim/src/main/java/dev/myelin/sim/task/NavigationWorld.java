package dev.myelin.sim.task;

/**
 * What a sim node needs of a navigation task besides its observation vector: each robot's true
 * pose (to start odometry from), its goal, and the lidar geometry its range observations follow.
 * The observation layout is {@link DiffDriveNav#observationLayout}'s: {@code beams} ranges, goal
 * distance and bearing, odometry linear and angular velocity. Read between steps, on the driving thread.
 */
public interface NavigationWorld {

    /** The lidar whose beams the first {@code beams} observation values are. */
    Lidar lidar();

    /** True position (m) of {@code agent} in the world frame. */
    double robotX(int agent);

    double robotY(int agent);

    /** True heading (rad, counter-clockwise from +x). */
    double robotHeading(int agent);

    double goalX(int agent);

    double goalY(int agent);
}
