/**
 * Inference: the {@link dev.myelin.policy.engine.InferenceEngine} interface and its built-in engines
 * (float and int8, dense and event-driven, per network family), found by name through
 * {@link dev.myelin.policy.engine.InferenceEngines} or a ServiceLoader, with the numeric kernels they share
 * (fast exp, spike tables, population coding, fixed point) and the energy meter. Steady-state decisions
 * allocate nothing.
 */
package dev.myelin.policy.engine;
