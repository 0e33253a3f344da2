package dev.myelin.trainer.mpi;

/**
 * The collective operations data-parallel training needs, over the processes of one run: sum of a flat
 * buffer across ranks (gradient averaging), broadcast from rank 0 (initial weights), gather to rank 0
 * (per-rank state for checkpoints). A single process without MPI is {@link #single()}, whose
 * collectives are identities. Every rank must call the same collectives in the same order. One thread.
 */
public interface Communicator extends AutoCloseable {

    int rank();

    int size();

    /** Whether this process writes logs, checkpoints and exports. */
    default boolean isRoot() {
        return rank() == 0;
    }

    /** {@code buf[0..n)} becomes the element-wise sum over all ranks. */
    void sum(float[] buf, int n);

    /** {@code buf[0..n)} becomes the element-wise sum over all ranks. */
    void sum(double[] buf, int n);

    /** {@code buf[0..n)} takes rank 0's values on every rank. */
    void broadcast(float[] buf, int n);

    /** {@code buf[0..n)} takes rank 0's values on every rank. */
    void broadcast(long[] buf, int n);

    /** {@code buf[0..n)} takes rank 0's values on every rank. */
    void broadcast(byte[] buf, int n);

    /**
     * Rank 0 receives every rank's {@code mine} (all the same length) concatenated in rank order; other
     * ranks get null.
     */
    byte[] gather(byte[] mine);

    /** Waits until every rank has arrived. */
    void barrier();

    /** Ends the communicator (MPI_Finalize for MPI). */
    @Override
    void close();

    /**
     * Ends every rank of the job after a failure on this one (MPI_Abort), so that the others do not wait
     * forever in a collective this rank will never join. Does not return under MPI.
     */
    default void abort(int code) {
    }

    /** The communicator of a single process: rank 0 of 1. */
    static Communicator single() {
        return SingleProcess.INSTANCE;
    }
}
