/**
 * DJL (PyTorch engine) counterparts of the trainer's networks: autograd graphs of PopSAN and the critic
 * that the fused kernels are tested against, a dense forward comparator for the edge-engine benchmark,
 * and the guard that keeps bf16 off the CPU.
 */
package dev.myelin.trainer.djl;
