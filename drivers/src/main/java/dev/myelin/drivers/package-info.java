/**
 * Pi4J robot-base nodes, neuromorphic board link and emulator, NIR export.
 */
package dev.myelin.drivers;
