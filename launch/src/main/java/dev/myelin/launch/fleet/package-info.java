/**
 * Fleet commands on the MQTT side: the embedded {@code broker}, {@code release} (a signed bundle rolled out to
 * robots) and {@code release-keys}, {@code ota-command} (signed commands to robots' update agents) and
 * {@code experience-ingest} (experience robots upload, collected for training).
 */
package dev.myelin.launch.fleet;
