/**
 * The fleet dashboard: a read-only web page (served by Netty, assets bundled in the jar) that shows every robot
 * of a fleet and every release on a timeline, from the trainer-bridge's MQTT topics: retained robot status,
 * health reports and signed release manifests. Everything read from the broker is validated by the wire parsers
 * and manifests are opened only with the trusted release keys; refused payloads are counted, never shown as fact.
 * It also charts a training run's learning curves from its {@code metrics.csv}.
 */
package dev.myelin.observe.fleet;
