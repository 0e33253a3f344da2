/**
 * ROS 2 graph tools shaped like {@code ros2}: {@code topic} (list, info, echo, hz, pub), {@code node} (list,
 * info), {@code service}, {@code param} and {@code lifecycle}, the last three sharing the node-addressing
 * verb base {@link dev.myelin.launch.ros.NodeVerb}; all run on Myelin's own ROS 2 client.
 */
package dev.myelin.launch.ros;
