/**
 * Spiking policy networks (PopSAN, GRSN, spiking transformer), the policy bundle format, edge inference engines, compression and energy accounting. Pure Java.
 */
package dev.myelin.policy;
