package dev.myelin.ros2;

import dev.myelin.ros2.dds.Cyclone;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * One thread per context that waits on a Cyclone waitset holding every subscription's read
 * condition and drains the subscriptions that have data: takes serialized samples, validates and
 * decodes them, updates the latest-sample slot and calls handlers. Created with the first
 * subscription; stopped by {@link #close()}.
 */
final class Executor implements Runnable {
    private static final int WAKE = -1;
    private static final int BATCH = 64;
    private static final long WAIT_NANOS = 1_000_000_000L;

    private final int waitset;
    private final Thread thread;
    private final MemorySegment triggered = Arena.ofAuto().allocate(ValueLayout.JAVA_LONG, BATCH);
    private volatile Subscription[] subscriptions = new Subscription[0];
    private volatile boolean running = true;

    Executor(int participant, String threadName) {
        this.waitset = Cyclone.createWaitset(participant);
        Cyclone.waitsetAttach(waitset, waitset, WAKE);
        this.thread = Thread.ofPlatform().daemon().name(threadName).unstarted(this);
        thread.start();
    }

    /** Registers a subscription; its read condition is attached with the subscription's slot as argument. */
    synchronized void add(Subscription subscription, int readCondition) {
        Subscription[] current = subscriptions;
        int slot = 0;
        while (slot < current.length && current[slot] != null) {
            slot++;
        }
        Subscription[] next = Arrays.copyOf(current, Math.max(current.length, slot + 1));
        next[slot] = subscription;
        subscriptions = next;
        Cyclone.waitsetAttach(waitset, readCondition, slot);
    }

    synchronized void remove(Subscription subscription, int readCondition) {
        Cyclone.waitsetDetach(waitset, readCondition);
        Subscription[] next = subscriptions.clone();
        for (int i = 0; i < next.length; i++) {
            if (next[i] == subscription) {
                next[i] = null;
            }
        }
        subscriptions = next;
    }

    boolean isExecutorThread() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void run() {
        while (running) {
            int n = Cyclone.waitsetWait(waitset, triggered, BATCH, WAIT_NANOS);
            if (n < 0) {
                // the waitset is being deleted (close) or Cyclone is shutting down: do not spin
                if (running) {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                continue;
            }
            Subscription[] subs = subscriptions;
            for (int i = 0; i < Math.min(n, BATCH); i++) {
                long slot = triggered.getAtIndex(ValueLayout.JAVA_LONG, i);
                if (slot >= 0 && slot < subs.length && subs[(int) slot] != null) {
                    subs[(int) slot].drain();
                }
            }
        }
    }

    /** Stops the thread (waking it through the waitset trigger) and deletes the waitset. */
    void close() {
        running = false;
        Cyclone.waitsetSetTrigger(waitset, true);
        if (!isExecutorThread()) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Cyclone.delete(waitset);
    }
}
