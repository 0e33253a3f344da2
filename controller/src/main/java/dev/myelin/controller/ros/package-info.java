/**
 * The controller as a ROS 2 citizen: its {@code ros__parameters} as node parameters with
 * descriptors (validated by re-reading the edited parameter file with the controller's own
 * parser, adopted at a tick boundary) and its lifecycle as a managed node
 * ({@link dev.myelin.controller.ros.ControllerInterfaces} wires both onto a node).
 */
package dev.myelin.controller.ros;
