/**
 * Coordinate frames on ROS 2 as tf2 expects them (REP 105): a mobile base's frame names and sensor
 * mounts, read from parameters, the moving {@code odom → base_footprint} transform on {@code /tf}
 * and the fixed {@code base_footprint → sensor} transforms on {@code /tf_static}, as
 * {@code tf2_msgs/msg/TFMessage}.
 */
package dev.myelin.ros2.tf;
