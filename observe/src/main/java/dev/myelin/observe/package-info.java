/**
 * Seeing what robots and fleets do: MCAP recording and playback of ROS 2 topics, the controller's
 * decision channels, a Foxglove WebSocket server for live views and the fleet web dashboard. Kept out
 * of {@code ros2} and {@code policy} so that those stay JDK-only.
 */
package dev.myelin.observe;
