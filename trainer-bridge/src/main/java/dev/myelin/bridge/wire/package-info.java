/**
 * The fleet's wire format: the MQTT topic layout ({@link dev.myelin.bridge.wire.Topics}) and every versioned
 * payload (signed release manifests and commands, chunks, chunk requests, status, health reports), read
 * strictly through {@link dev.myelin.bridge.wire.JsonFields} with every refusal naming its field, and the
 * rate-limited log of refused input.
 */
package dev.myelin.bridge.wire;
