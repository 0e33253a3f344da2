/**
 * Partially observable variants of any task: position-only, velocity-only, sensor dropout and
 * observation delay, as {@link dev.myelin.sim.pomdp.ObservationFilter}s wrapped around an env or a
 * vector env ({@link dev.myelin.sim.pomdp.Pomdp} parses them by name).
 */
package dev.myelin.sim.pomdp;
