/**
 * Cluster trainer: TD3/SAC with population-coded spiking actors (PopSAN), fused CPU kernels checked
 * against DJL autograd, fp16/bf16 mixed precision with loss scaling, Open MPI data parallelism,
 * exact-resume checkpoints and export to signed policy bundles.
 */
package dev.myelin.trainer;
