/**
 * MQTT 5 transport (Eclipse Paho): {@link dev.myelin.bridge.mqtt.MqttLink}, a connection that reconnects and
 * restores its subscriptions by itself, the broker endpoint settings, and the embedded HiveMQ CE broker
 * used by the trainer and by tests.
 */
package dev.myelin.bridge.mqtt;
