/**
 * Simulator commands: {@code sim-info} (a task's spaces and parameters), {@code sim-render} (one episode as a
 * PNG) and {@code sim-node} (simulated robots on ROS 2 topics, the launch files' sim robot node), with the
 * task options they share with {@code eval} and {@code train} ({@link dev.myelin.launch.sim.SimTaskOptions},
 * {@link dev.myelin.launch.sim.MujocoTaskArguments}) and the choice of the actor that drives an episode
 * ({@link dev.myelin.launch.sim.SimActors}).
 */
package dev.myelin.launch.sim;
