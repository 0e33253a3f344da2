/**
 * Observability commands: {@code bag} (MCAP recording and playback in the ROS 2 profile), {@code replay} (a
 * bundle re-run on recorded observations), {@code foxglove} (a live Foxglove WebSocket view of a domain) and
 * {@code fleet-ui} (the fleet dashboard in a browser).
 */
package dev.myelin.launch.observe;
