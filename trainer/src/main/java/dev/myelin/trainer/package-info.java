/**
 * Cluster trainer: TD3/SAC with spiking actors on DJL, mixed precision, MPI data-parallel, checkpoints and export.
 */
package dev.myelin.trainer;
