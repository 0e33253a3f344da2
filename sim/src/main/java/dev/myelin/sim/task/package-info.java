/**
 * The simulators: {@link dev.myelin.sim.task.Task} (struct-of-arrays batch of worlds, generic latency
 * and jitter), {@link dev.myelin.sim.task.Pendulum}, {@link dev.myelin.sim.task.CartPoleSwingUp},
 * {@link dev.myelin.sim.task.DiffDriveNav} with its {@link dev.myelin.sim.task.Lidar}, and scripted
 * baselines.
 */
package dev.myelin.sim.task;
