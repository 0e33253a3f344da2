/** Recording an episode and drawing it to PNG for people. */
package dev.myelin.sim.render;
