/**
 * The policy benchmark behind {@code bench policy}: decision latency of each engine on a bundle, recorded
 * per decision and reported as percentiles.
 */
package dev.myelin.policy.bench;
