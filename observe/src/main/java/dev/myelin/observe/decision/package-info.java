/**
 * Decision recording: a controller's ticks (observation, action before and after the safety gate,
 * intervention cause, spikes, SynOps, energy, inference time, policy digest) as a CDR channel of
 * an MCAP bag, so that a recording explains every command the robot was given.
 */
package dev.myelin.observe.decision;
