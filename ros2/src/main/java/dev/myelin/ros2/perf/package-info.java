/**
 * Latency measurement: the ping-pong driver and the Java pong process used by
 * {@code ./myelin bench ros2}.
 */
package dev.myelin.ros2.perf;
