/**
 * Replay: re-running a policy bundle offline on a recording's observations and reporting where and
 * by how much its actions differ from those the robot's policy took, with a plot.
 */
package dev.myelin.observe.replay;
