/**
 * What {@code ./myelin bench train} measures, next to the code it measures: the cost of one TD3 update of a
 * HalfCheetah-sized PopSAN on the fused kernels, the GEMM peaks it is compared with, the fused actor pass
 * against DJL autograd, and environment steps per second of an MPI training run.
 */
package dev.myelin.trainer.bench;
