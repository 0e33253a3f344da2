/**
 * Randomness: per-world SplitMix64 streams, table-driven Gaussian sensor noise, and declarative
 * domain randomization ({@link dev.myelin.sim.random.RandomizationSpec} read from YAML, bound to a
 * task's {@link dev.myelin.sim.random.Parameter}s by {@link dev.myelin.sim.random.ParameterSet}).
 */
package dev.myelin.sim.random;
