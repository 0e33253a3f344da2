/**
 * On-robot fixed-rate control loop: {@link dev.myelin.controller.Controller} closes sensors ->
 * observation -> spiking policy -> safety gate -> actuators over ROS 2 topics.
 * <ul>
 *   <li>{@code config}: the ROS 2-style parameter file and the mapping check against a bundle;</li>
 *   <li>{@code mapping}: topics to the observation vector, the command to output topics;</li>
 *   <li>{@code hosting}: prepare (verify, build, warm up) and hot-swap policies;</li>
 *   <li>{@code safety}: the gate between policy and outputs;</li>
 *   <li>{@code loop}: the absolute-deadline loop and its idle strategies;</li>
 *   <li>{@code diagnostics}: latency histograms, counters, {@code /diagnostics}.</li>
 * </ul>
 */
package dev.myelin.controller;
