/**
 * Data-parallel collectives: the {@link dev.myelin.trainer.mpi.Communicator} a run uses, implemented
 * over Open MPI's C library through {@code java.lang.foreign} ({@link dev.myelin.trainer.mpi.OpenMpi}),
 * or trivially for a single process.
 */
package dev.myelin.trainer.mpi;
