/**
 * The fleet scale benchmark: many simulated robots updated over one broker, with download and rollout
 * figures.
 */
package dev.myelin.bridge.bench;
