package dev.myelin.trainer.rl;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed team of threads that run one task split by worker index and then meet: {@link #run} calls
 * {@code task.accept(w)} for every {@code w < size()}, worker 0 on the calling thread, and returns
 * when all have finished. Helpers spin briefly for the next task (updates come in quick succession)
 * and then park, so an idle pool costs nothing. No allocation per run. One thread calls {@link #run}.
 */
public final class WorkerPool implements AutoCloseable {
    private static final long SPIN_NANOS = 200_000;

    private final Thread[] helpers;
    private final Thread owner;
    private final AtomicInteger remaining = new AtomicInteger();
    private volatile IntConsumer task;
    private volatile long generation;
    private volatile boolean closed;
    private volatile Throwable failure;

    public WorkerPool(int size, String name) {
        if (size < 1) {
            throw new IllegalArgumentException("a worker pool needs at least one worker, got " + size);
        }
        owner = Thread.currentThread();
        helpers = new Thread[size - 1];
        for (int i = 0; i < helpers.length; i++) {
            int index = i + 1;
            helpers[i] = Thread.ofPlatform().daemon().name(name + "-" + index).start(() -> loop(index));
        }
    }

    public int size() {
        return helpers.length + 1;
    }

    /** Runs {@code task} on every worker and waits for all of them; rethrows a helper's failure. */
    public void run(IntConsumer task) {
        if (helpers.length == 0) {
            task.accept(0);
            return;
        }
        this.task = task;
        remaining.set(helpers.length);
        generation++;
        for (Thread h : helpers) {
            LockSupport.unpark(h);
        }
        Throwable mine = null;
        try {
            task.accept(0);
        } catch (RuntimeException | Error e) {
            mine = e;
        }
        long start = System.nanoTime();
        while (remaining.get() > 0) {
            if (System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 50_000);
            }
        }
        this.task = null;
        Throwable theirs = failure;
        if (mine != null || theirs != null) {
            failure = null;
            Throwable t = mine != null ? mine : theirs;
            if (t instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) t;
        }
    }

    private void loop(int index) {
        long seen = 0;
        while (!closed) {
            long start = System.nanoTime();
            while (generation == seen && !closed) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            try {
                task.accept(index);
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (remaining.decrementAndGet() == 0) {
                    LockSupport.unpark(owner);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread h : helpers) {
            LockSupport.unpark(h);
        }
    }
}
