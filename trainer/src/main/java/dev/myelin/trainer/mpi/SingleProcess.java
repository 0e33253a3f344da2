package dev.myelin.trainer.mpi;

/** Rank 0 of 1: every collective leaves its buffer as it is. */
final class SingleProcess implements Communicator {
    static final SingleProcess INSTANCE = new SingleProcess();

    private SingleProcess() {
    }

    @Override
    public int rank() {
        return 0;
    }

    @Override
    public int size() {
        return 1;
    }

    @Override
    public void sum(float[] buf, int n) {
    }

    @Override
    public void sum(double[] buf, int n) {
    }

    @Override
    public void broadcast(float[] buf, int n) {
    }

    @Override
    public void broadcast(long[] buf, int n) {
    }

    @Override
    public void broadcast(byte[] buf, int n) {
    }

    @Override
    public byte[] gather(byte[] mine) {
        return mine.clone();
    }

    @Override
    public void barrier() {
    }

    @Override
    public void close() {
    }
}
