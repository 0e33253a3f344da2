/**
 * The robot side of an over-the-air update: {@link dev.myelin.bridge.ota.OtaAgent} follows the fleet's
 * signed release manifest, downloads and verifies the bundle chunk by chunk, stages it into the free A/B
 * slot, hands it to the {@link dev.myelin.bridge.ota.ActivationTarget} (the controller) for a health trial,
 * then commits or rolls back; {@link dev.myelin.bridge.ota.OtaState} and the slot store keep every step
 * durable so that a restart at any point recovers.
 */
package dev.myelin.bridge.ota;
