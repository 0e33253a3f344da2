/**
 * ROS message types as data: {@code .msg} definitions compiled into a storage layout for mutable,
 * allocation-free {@link dev.myelin.ros2.msg.Message}s, a CDR codec, the C layout and the Cyclone
 * topic descriptor program; YAML in and out for the command-line tools; REP 2011 type hashes of
 * messages and services.
 */
package dev.myelin.ros2.msg;
