/**
 * A light-weight simulated robot that runs policy bundles as an OTA activation target where no controller
 * runs (fleet tests, the scale benchmark).
 */
package dev.myelin.bridge.sim;
