/**
 * ROS 2 client on Cyclone DDS through {@code java.lang.foreign}: {@link dev.myelin.ros2.Context}
 * (participant, domain, loopback mode), {@link dev.myelin.ros2.Node} (names, remapping),
 * {@link dev.myelin.ros2.Publisher} and {@link dev.myelin.ros2.Subscription} (handlers and an
 * allocation-free latest-sample poll), {@link dev.myelin.ros2.Qos} profiles and the discovered
 * {@link dev.myelin.ros2.Graph}. Message types live in {@code dev.myelin.ros2.msg}; services in
 * {@code dev.myelin.ros2.service}, node parameters in {@code dev.myelin.ros2.param}, the managed-node
 * interface in {@code dev.myelin.ros2.lifecycle}.
 */
package dev.myelin.ros2;
