/**
 * The live view: a Foxglove WebSocket protocol server (subprotocol {@code foxglove.websocket.v1}, the one
 * foxglove_bridge speaks) on Netty. It advertises ROS 2 topics with their {@code ros2msg} schemas and streams
 * their CDR, exactly as taken from DDS, to the clients subscribed to them. Every client has a bounded queue:
 * a slow or stalled client loses messages (counted), never slows the thread that publishes.
 */
package dev.myelin.observe.foxglove;
