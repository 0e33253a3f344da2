/**
 * ROS 2 client: Cyclone DDS through java.lang.foreign, ROS naming, CDR, QoS and message types.
 */
package dev.myelin.ros2;
