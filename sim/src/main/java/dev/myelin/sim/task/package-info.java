/**
 * The simulators: {@link dev.myelin.sim.task.Task} (struct-of-arrays batch of worlds, generic latency
 * and jitter), {@link dev.myelin.sim.task.Pendulum}, {@link dev.myelin.sim.task.CartPoleSwingUp},
 * {@link dev.myelin.sim.task.DiffDriveNav} with its {@link dev.myelin.sim.task.Lidar}, the robots
 * written for Myelin in MJCF ({@link dev.myelin.sim.task.RobotModels}) with their tasks on MuJoCo
 * ({@link dev.myelin.sim.task.MujocoNav}, diffdrive-nav's task on a physics base, and
 * {@link dev.myelin.sim.task.QuadrupedWalk}), and scripted baselines.
 */
package dev.myelin.sim.task;
