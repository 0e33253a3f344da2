/**
 * What {@code ./myelin bench sim} measures, next to the code it measures: environment steps per second through
 * the single-env API and the vector env, on one thread and on several, in interleaved timed trials.
 */
package dev.myelin.sim.bench;
