/**
 * ROS 2 managed-node (lifecycle) interface of a Myelin node: the primary states and transitions
 * of lifecycle_msgs, the {@link dev.myelin.ros2.lifecycle.ManagedNode} an owner implements over
 * its own lifecycle, and the {@link dev.myelin.ros2.lifecycle.LifecycleServer} that serves
 * {@code ~/change_state}, {@code ~/get_state}, {@code ~/get_available_states},
 * {@code ~/get_available_transitions} and publishes {@code ~/transition_event}.
 */
package dev.myelin.ros2.lifecycle;
