/**
 * Wall-clock pacing: {@link dev.myelin.ros2.time.FixedRate}, the one fixed-rate schedule with absolute deadlines
 * that the controller's loop, the simulated robots and the robot base all run on.
 */
package dev.myelin.ros2.time;
