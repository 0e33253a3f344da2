/**
 * Fused CPU kernels the trainer's networks are built from: register-blocked vector matrix products
 * ({@link dev.myelin.trainer.kernel.Gemm}), event-driven products with spike matrices
 * ({@link dev.myelin.trainer.kernel.SpikeIndex}), PopSAN's LIF updates and their reverse-time pass
 * ({@link dev.myelin.trainer.kernel.LifKernels}), the encoder's exp, and the number formats reduced
 * precision rounds to ({@link dev.myelin.trainer.kernel.Rounding}). Written with the Vector API
 * ({@code --add-modules jdk.incubator.vector}); deterministic: the same inputs give the same bits
 * whether the code runs interpreted or compiled.
 */
package dev.myelin.trainer.kernel;
