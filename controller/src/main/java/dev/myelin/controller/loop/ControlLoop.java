package dev.myelin.controller.loop;

/**
 * Runs a {@link Tick} on a dedicated platform thread at a fixed rate with absolute deadlines:
 * release times are {@code start + k * period} (ros2_control's {@code next += period}), so the rate
 * never drifts. After an overrun the whole periods already past are counted as missed and skipped:
 * the next tick is released at the next future period boundary, never in a catch-up burst.
 *
 * <p>{@link #start} and {@link #close} from any one controlling thread.
 */
public final class ControlLoop implements AutoCloseable {

    /** The work of one period. */
    @FunctionalInterface
    public interface Tick {
        /**
         * Called once per period on the loop thread.
         *
         * @param tick    tick number, from 0
         * @param release the tick's release time ({@link System#nanoTime()} clock)
         * @param wake    when the thread actually woke
         * @return true when the tick swapped policies (its overrun, if any, is then also counted as missed during a swap)
         */
        boolean onTick(long tick, long release, long wake);
    }

    private final String name;
    private final long periodNanos;
    private final IdleStrategy idle;
    private final Tick work;
    private final LoopMetrics metrics;
    private Thread thread;
    private volatile boolean running;
    private volatile int realtimePriority;
    private volatile String schedulingProblem;
    private volatile long tickErrors;
    private volatile Throwable lastError;

    public ControlLoop(String name, long periodNanos, IdleStrategy idle, Tick work, LoopMetrics metrics) {
        if (periodNanos < 1_000_000 || periodNanos > 100_000_000) {
            throw new IllegalArgumentException("control period must be 1 ms to 100 ms (1 kHz to 10 Hz), got " + periodNanos + " ns");
        }
        this.name = name;
        this.periodNanos = periodNanos;
        this.idle = idle;
        this.work = work;
        this.metrics = metrics;
    }

    /** Starts the loop thread (maximum priority; the OS may ignore it without privileges). */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("control loop " + name + " already started");
        }
        running = true;
        thread = Thread.ofPlatform().name(name).daemon(true).priority(Thread.MAX_PRIORITY).unstarted(this::run);
        thread.start();
    }

    /** SCHED_FIFO priority for the loop thread (1..99), 0 for normal scheduling. Before {@link #start}. */
    public void realtimePriority(int priority) {
        if (priority < 0 || priority > 99) {
            throw new IllegalArgumentException("real-time priority must be 0 (off) or 1..99, got " + priority);
        }
        this.realtimePriority = priority;
    }

    /** Why real-time scheduling could not be applied, or null (applied, or not asked for). */
    public String schedulingProblem() {
        return schedulingProblem;
    }

    public long periodNanos() {
        return periodNanos;
    }

    public IdleStrategy idleStrategy() {
        return idle;
    }

    /** Ticks that threw (the loop carries on with the next period). */
    public long tickErrors() {
        return tickErrors;
    }

    /** The last exception a tick threw, or null. */
    public Throwable lastError() {
        return lastError;
    }

    /** The loop thread's id (for per-thread CPU and allocation accounting), or -1 before {@link #start}. */
    public synchronized long threadId() {
        return thread == null ? -1 : thread.threadId();
    }

    public boolean isRunning() {
        return running && thread != null && thread.isAlive();
    }

    private void run() {
        if (realtimePriority > 0) {
            schedulingProblem = RealtimeScheduling.applyToCurrentThread(realtimePriority);
        }
        long tick = 0;
        // the one fixed-rate schedule the sim node and the robot base run on too
        var rate = new dev.myelin.ros2.time.FixedRate(periodNanos, System.nanoTime() + periodNanos);
        while (running) {
            long release = rate.release();
            idle.idleUntil(release);
            long wake = System.nanoTime();
            metrics.recordJitter(wake - release);
            boolean swapped = false;
            try {
                swapped = work.onTick(tick, release, wake);
            } catch (RuntimeException | Error e) {
                lastError = e;
                tickErrors = tickErrors + 1;
            }
            metrics.countTick();
            tick++;
            // Overran into the next period(s): every release already past is skipped and counted.
            long missed = rate.advance(System.nanoTime());
            if (missed > 0) {
                metrics.countMisses(missed, swapped);
                onMissed(missed);
            }
        }
    }

    private volatile MissListener missListener;

    /** Notified on the loop thread of skipped periods (e.g. to charge them to the installed policy). */
    public interface MissListener {
        void onMissed(long periods);
    }

    public void missListener(MissListener l) {
        this.missListener = l;
    }

    private void onMissed(long n) {
        MissListener l = missListener;
        if (l != null) {
            l.onMissed(n);
        }
    }

    /** Stops the loop after its current tick and waits for the thread to end. Idempotent. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
