/**
 * ROS 2 parameters of a Myelin node: the {@link dev.myelin.ros2.param.ParameterStore} (declared
 * parameters with descriptors — type, range, read-only — current values as one immutable
 * snapshot, sets validated as a whole by the owner's own rules and staged for adoption at a tick
 * boundary, never half-applied) and the {@link dev.myelin.ros2.param.ParameterServer} that serves
 * it as rcl_interfaces' six parameter services and publishes {@code /parameter_events}.
 */
package dev.myelin.ros2.param;
