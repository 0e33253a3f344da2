/**
 * Commands that run on a robot: the {@code controller} node (with its optional decision and topic recording,
 * {@link dev.myelin.launch.robot.ControllerRecording}), {@code status} (the controller's diagnostics), the
 * Raspberry Pi {@code base}, the {@code ota-robot} update agent, and the neuromorphic {@code board} link and
 * its {@code board-emulator}.
 */
package dev.myelin.launch.robot;
