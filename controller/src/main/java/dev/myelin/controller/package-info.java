/**
 * On-robot fixed-rate control loop: {@link dev.myelin.controller.Controller} closes sensors ->
 * observation -> spiking policy -> safety gate -> actuators over ROS 2 topics. Its tick is swap-in,
 * {@code ControllerInputs.read}, decide, gate, write, {@code TickRecorder.after} (tick listener and
 * {@code ExperienceTap}); {@link dev.myelin.controller.Controller#status()} gathers every count into one
 * {@link dev.myelin.controller.ControllerStatus} that diagnostics, the command line and benchmarks read.
 * <ul>
 *   <li>{@code config}: the ROS 2-style parameter file and the mapping check against a bundle;</li>
 *   <li>{@code mapping}: topics to the observation vector, the command to output topics;</li>
 *   <li>{@code hosting}: prepare (verify, build, warm up) and hot-swap policies;</li>
 *   <li>{@code safety}: the gate between policy and outputs and the e-stop latch;</li>
 *   <li>{@code loop}: the absolute-deadline loop, its idle strategies and its metrics;</li>
 *   <li>{@code diagnostics}: a controller status published on {@code /diagnostics}.</li>
 * </ul>
 */
package dev.myelin.controller;
