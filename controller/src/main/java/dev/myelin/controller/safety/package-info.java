/**
 * Safety between policy and outputs: the gate (stale-input hold, NaN/Inf guards, clamps, rate limits),
 * the e-stop latch, and the causes by which interventions are counted.
 */
package dev.myelin.controller.safety;
