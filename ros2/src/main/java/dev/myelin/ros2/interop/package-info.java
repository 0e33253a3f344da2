/**
 * Independent peers built from source at test and benchmark time (a C program on Cyclone's own
 * generated types, {@code ddsperf}) and the process plumbing to run them.
 */
package dev.myelin.ros2.interop;
