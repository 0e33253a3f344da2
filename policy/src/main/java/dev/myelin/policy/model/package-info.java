/**
 * The policy as a trained network, independent of how it is run: neuron models with their equations
 * ({@link dev.myelin.policy.model.CubaLif}), the network families (PopSAN, GRSN, spiking transformer), their
 * hyperparameters and tensors, the observation and action channels and the observation normalizer that
 * a bundle carries.
 */
package dev.myelin.policy.model;
