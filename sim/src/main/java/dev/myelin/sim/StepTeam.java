package dev.myelin.sim;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The caller's thread plus {@code members - 1} daemon helpers that run one share each of a batch
 * step. {@link #runAll()} publishes a new generation, runs share 0 itself, and waits for the rest.
 * Helpers busy-spin briefly for the next generation, then park (woken by the next publication), so
 * back-to-back steps cost no wake-up while an idle vector env costs no CPU. Nothing is allocated per
 * generation. {@link #runAll()} and {@link #close()} belong to one driving thread.
 */
final class StepTeam implements AutoCloseable {
    /** One member's share of the work. */
    interface Share {
        void run(int member);
    }

    private static final int SPINS = 20_000;

    private final Share share;
    private final Helper[] helpers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long generation;
    private volatile boolean closed;
    private volatile Throwable failure;

    StepTeam(int members, Share share, String name) {
        if (members < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + members);
        }
        this.share = share;
        this.helpers = new Helper[members - 1];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Helper(i + 1);
            Thread t = new Thread(helpers[i], name + "-" + (i + 1));
            t.setDaemon(true);
            helpers[i].thread = t;
            t.start();
        }
    }

    int members() {
        return helpers.length + 1;
    }

    /** Thread ids of the helpers (for allocation accounting in tests). */
    long[] helperThreadIds() {
        long[] ids = new long[helpers.length];
        for (int i = 0; i < helpers.length; i++) {
            ids[i] = helpers[i].thread.threadId();
        }
        return ids;
    }

    /** Runs every share once; rethrows the first failure of any member. */
    void runAll() {
        if (closed) {
            throw new IllegalStateException("step team is closed");
        }
        if (helpers.length > 0) {
            pending.set(helpers.length);
            generation = generation + 1;
            for (Helper h : helpers) {
                if (h.parked) {
                    LockSupport.unpark(h.thread);
                }
            }
        }
        Throwable own = null;
        try {
            share.run(0);
        } catch (Throwable t) {
            own = t;
        }
        if (helpers.length > 0) {
            int spins = 0;
            while (pending.get() != 0) {
                if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
        Throwable t = own != null ? own : failure;
        if (t != null) {
            failure = null;
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException("a stepping thread failed", t);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Helper h : helpers) {
            LockSupport.unpark(h.thread);
        }
        for (Helper h : helpers) {
            try {
                h.thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class Helper implements Runnable {
        private final int member;
        Thread thread;
        volatile boolean parked;

        Helper(int member) {
            this.member = member;
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long g;
                int spins = 0;
                while ((g = generation) == seen && !closed) {
                    if (++spins < SPINS) {
                        Thread.onSpinWait();
                    } else {
                        parked = true;
                        // Re-check after announcing the park, so a publication in between is not missed.
                        if (generation == seen && !closed) {
                            LockSupport.park(this);
                        }
                        parked = false;
                        spins = 0;
                    }
                }
                if (closed) {
                    return;
                }
                seen = g;
                try {
                    share.run(member);
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    }
                }
                pending.decrementAndGet();
            }
        }
    }
}
