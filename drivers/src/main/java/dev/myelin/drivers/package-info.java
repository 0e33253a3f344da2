/**
 * Hardware-facing parts of the robot: the Pi4J robot base ({@code base}), the neuromorphic board link,
 * emulator and {@code board} inference engine ({@code board}), and NIR export ({@code nir}).
 */
package dev.myelin.drivers;
