/**
 * The robot-side inference engines in the simulator: {@link dev.myelin.trainer.engine.EngineActor} drives a
 * simulated env with a policy's engines, one per agent, wherever an exported or shipped policy is evaluated.
 */
package dev.myelin.trainer.engine;
