/**
 * The ROS 2 sim nodes: simulated bases on {@code scan}, {@code odom}, {@code goal_pose} and
 * {@code cmd_vel} (plus {@code imu} and {@code joint_states} for the MuJoCo base), and the MuJoCo
 * quadruped on {@code joint_states}, {@code imu} and a ros2_control-style forward command topic.
 */
package dev.myelin.sim.node;
