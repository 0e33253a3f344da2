/**
 * The trainer's networks over flat {@link dev.myelin.trainer.nn.Parameters}: PopSAN's spiking actor
 * ({@link dev.myelin.trainer.nn.PopSanActor}, forward and backward through time with surrogate
 * gradients), the MLP critic ({@link dev.myelin.trainer.nn.Mlp}), Adam, and a checkpointable random stream.
 */
package dev.myelin.trainer.nn;
