/**
 * Bags: recording ROS 2 topics into MCAP files in the ROS 2 profile (CDR as received, schemas with
 * their full {@code ros2msg} text, the publishers' QoS as {@code offered_qos_profiles}), playing
 * them back onto topics with their original timing and {@code /clock}, describing them, and
 * recovering the readable part of a file whose recorder was killed.
 */
package dev.myelin.observe.bag;
