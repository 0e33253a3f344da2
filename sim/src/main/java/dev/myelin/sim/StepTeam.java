package dev.myelin.sim;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The caller's thread plus {@code members - 1} daemon helpers that step a batch of worlds together.
 *
 * <p>Each batch step is cut into chunks of contiguous worlds that members claim from a shared counter
 * until none is left, so a helper the OS has not scheduled yet simply claims nothing and the caller
 * never waits for a thread that has not started: throughput degrades gracefully on a busy machine
 * instead of stalling on a barrier. The claim counter holds the step's generation in its high half,
 * so a helper that wakes late can never claim a chunk of a later step under an earlier one.
 *
 * <p>Waiting threads busy-spin briefly, then yield the CPU, and helpers finally park (woken by the
 * next publication): back-to-back steps cost no wake-up, an idle vector env costs no CPU, and on a
 * machine busy with other work a descheduled peer gets a core back quickly. Nothing is allocated per
 * step. {@link #runAll()} and {@link #close()} belong to one driving thread.
 */
final class StepTeam implements AutoCloseable {
    /** Steps worlds [from, to) on behalf of {@code member}. */
    interface Share {
        void run(int member, int from, int to);
    }

    /** Busy-wait rounds before yielding the CPU: enough to catch a peer that is about to finish. */
    private static final int SPINS = 100;
    /**
     * Yields before a helper parks (a few milliseconds on an idle machine): back-to-back steps find it
     * awake, while yielding lets other runnable threads, a descheduled peer included, use the core.
     */
    private static final int YIELDS = 2_000;

    private final Share share;
    private final int worlds;
    private final int chunk;
    private final int chunks;
    private final Helper[] helpers;
    /** (generation << 32) | next chunk index. */
    private final AtomicLong claims = new AtomicLong();
    private final AtomicInteger finished = new AtomicInteger();
    private volatile long generation;
    private volatile boolean closed;
    private volatile Throwable failure;

    StepTeam(int members, int worlds, Share share, String name) {
        if (members < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + members);
        }
        this.share = share;
        this.worlds = worlds;
        // About eight chunks per member balances load without making claims a cost.
        this.chunk = members == 1 ? worlds : Math.max(1, worlds / (members * 8));
        this.chunks = (worlds + chunk - 1) / chunk;
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

    /** Steps every world once; rethrows the first failure of any member. */
    void runAll() {
        if (closed) {
            throw new IllegalStateException("step team is closed");
        }
        if (helpers.length == 0) {
            share.run(0, 0, worlds);
            return;
        }
        long g = generation + 1;
        finished.set(0);
        claims.set(g << 32);
        generation = g;
        for (Helper h : helpers) {
            if (h.parked) {
                LockSupport.unpark(h.thread);
            }
        }
        Throwable own = null;
        try {
            work(0, g);
        } catch (Throwable t) {
            own = t;
        }
        int spins = 0;
        while (finished.get() < chunks) {
            // Yield early: on a busy machine the helper holding the last chunk may be waiting for this core.
            if (++spins < SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
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

    /** Claims and runs chunks of generation {@code g} until none is left. */
    private void work(int member, long g) {
        while (true) {
            long c = claims.get();
            if ((c >>> 32) != g) {
                return;
            }
            int index = (int) c;
            if (index >= chunks) {
                return;
            }
            if (!claims.compareAndSet(c, c + 1)) {
                continue;
            }
            int from = index * chunk;
            int to = Math.min(worlds, from + chunk);
            try {
                share.run(member, from, to);
            } finally {
                finished.incrementAndGet();
            }
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
                    } else if (spins < SPINS + YIELDS) {
                        Thread.yield();
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
                    work(member, g);
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    }
                }
            }
        }
    }
}
