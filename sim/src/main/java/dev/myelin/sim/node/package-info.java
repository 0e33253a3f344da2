/** The ROS 2 sim node: simulated bases on {@code scan}, {@code odom}, {@code goal_pose} and {@code cmd_vel}. */
package dev.myelin.sim.node;
