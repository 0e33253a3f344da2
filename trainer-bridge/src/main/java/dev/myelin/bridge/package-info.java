/**
 * The bridge between the cluster trainer and a fleet of robots, over MQTT 5 (Eclipse Paho):
 * <ul>
 *   <li>{@code wire}: the topic layout ({@link dev.myelin.bridge.wire.Topics}) and every versioned payload
 *       (signed release manifests and commands, chunks, status, health reports), read strictly;</li>
 *   <li>{@code mqtt}: a connection that stays up ({@link dev.myelin.bridge.mqtt.MqttLink}) and the embedded
 *       HiveMQ CE broker;</li>
 *   <li>{@code release}: the trainer side of a release: chunking, publishing, canary rollout, promotion and
 *       automatic rollback;</li>
 *   <li>{@code ota}: the robot side: the update agent, its A/B slots and durable state, and
 *       {@link dev.myelin.bridge.ota.ActivationTarget}, the interface the controller implements;</li>
 *   <li>{@code experience}: the robot's disk-backed transition outbox and uploader, and the trainer's store;</li>
 *   <li>{@code sim}: a light-weight simulated robot that runs bundles where no controller does;</li>
 *   <li>{@code bench}: the fleet scale benchmark.</li>
 * </ul>
 */
package dev.myelin.bridge;
