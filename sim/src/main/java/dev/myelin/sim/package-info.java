/**
 * Simulated tasks behind a Gymnasium-shaped Env API, POMDP wrappers, domain randomization and the ROS 2 sim node.
 */
package dev.myelin.sim;
