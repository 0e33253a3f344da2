/**
 * The ROS graph above DDS topics: node announcement on {@code ros_discovery_info} (the
 * {@code rmw_dds_common} ParticipantEntitiesInfo a participant republishes whole on every change,
 * listing its nodes with the GIDs of their readers and writers), reading the other participants'
 * announcements to list nodes and what they publish, subscribe to and serve, the GIDs themselves
 * (16 bytes from Iron on, Humble's 24-byte layout selectable) and the USER_DATA strings
 * ({@code enclave=/;}, {@code typehash=RIHS01_...;}) participants and endpoints carry.
 */
package dev.myelin.ros2.graph;
