/**
 * MQTT release channel, over-the-air agent, telemetry and experience upload, signing keys.
 */
package dev.myelin.bridge;
