/**
 * Simulated robot tasks behind a Gymnasium-shaped API, for the trainer's rollouts and for testing the
 * robot runtime without hardware.
 *
 * <ul>
 * <li>{@link dev.myelin.sim.Env}: one task, {@code reset(seed)} / {@code step(action)} returning a
 *     reused {@link dev.myelin.sim.Transition} (observation, reward, terminated, truncated, outcome);
 *     {@link dev.myelin.sim.BoxSpace} names every component with its unit and kind.</li>
 * <li>{@link dev.myelin.sim.VectorEnv}: N worlds stepped on flat batched arrays over several threads,
 *     with same-step auto-reset and final observations.</li>
 * <li>{@link dev.myelin.sim.Tasks} and {@link dev.myelin.sim.TaskSpec}: the registry
 *     ({@code pendulum}, {@code cartpole-swingup}, {@code diffdrive-nav}, {@code multi-diffdrive}, the MuJoCo
 *     locomotion tasks {@code hopper}, {@code halfcheetah}, {@code walker2d}, {@code ant} and
 *     {@code mjcf:PATH.xml} robots, see {@link dev.myelin.sim.mujoco}),
 *     task options, domain randomization, the reality-gap {@link dev.myelin.sim.Variant} and POMDP
 *     observation variants.</li>
 * <li>{@link dev.myelin.sim.Actor} and {@link dev.myelin.sim.Evaluation}: run something that acts and
 *     summarise its returns and outcomes.</li>
 * </ul>
 * Everything is deterministic for a seed and allocates nothing per step.
 */
package dev.myelin.sim;
