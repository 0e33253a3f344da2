/**
 * Binding to the Cyclone DDS C library through {@code java.lang.foreign}: library discovery,
 * the entity, QoS, waitset, write and serialized-take calls, and the loopback configuration.
 */
package dev.myelin.ros2.dds;
