/**
 * Launch files, run by {@code ./myelin launch} ({@link dev.myelin.launch.file.LaunchCommand}):
 * {@link dev.myelin.launch.file.LaunchFile} reads the YAML (ROS 2 launch shape, errors
 * naming file, line and key), {@link dev.myelin.launch.file.NodeKinds} maps each node's kind onto an
 * in-process {@link dev.myelin.launch.file.LaunchNode} (broker, sim node, controller, OTA agent, release)
 * or a child {@code ./myelin} process, and {@link dev.myelin.launch.file.LaunchRunner} starts them in
 * order, waits for readiness, watches for failure and stops them in reverse order.
 */
package dev.myelin.launch.file;
