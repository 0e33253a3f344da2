package dev.myelin.sim.node;

import dev.myelin.sim.EpisodeStats;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A simulated robot on ROS 2 that one thread ticks: {@link SimNode} (wheeled bases) and
 * {@link LeggedSimNode} (the quadruped). {@link #run} paces ticks at a real-time factor with absolute
 * deadlines, skipping (and counting) whole periods on overrun instead of bursting.
 */
public interface RobotSimulation extends AutoCloseable {

    /** Advances one control period: reads commands, steps, publishes. */
    void tick();

    /** Simulated seconds per tick. */
    double controlPeriod();

    /** Episode counters. */
    EpisodeStats stats();

    /** Simulated seconds since the node started. */
    double simTime();

    /** Ticks taken. */
    long ticks();

    /** Whole control periods skipped by {@link #run} because a tick overran its deadline. */
    long overruns();

    /** Ticks on which the last command was older than the timeout (the robot was stopped or held). */
    long staleCommands();

    /** Commands refused as invalid (non-finite, wrong size). */
    long invalidCommands();

    /** Closes the node's publishers and subscriptions (the node itself belongs to the caller). */
    @Override
    void close();

    /** Records overrun periods (called by {@link #run}). */
    void countOverruns(long periods);

    /**
     * Ticks at {@code realTimeFactor} times real time (simulated seconds per wall second) until
     * {@code keepGoing} says stop; factor 0 runs as fast as possible.
     */
    default void run(double realTimeFactor, BooleanSupplier keepGoing) {
        if (!(realTimeFactor >= 0) || Double.isInfinite(realTimeFactor)) {
            throw new IllegalArgumentException("real-time factor must be finite and >= 0, got " + realTimeFactor);
        }
        long periodNanos = realTimeFactor == 0 ? 0 : Math.round(controlPeriod() / realTimeFactor * 1e9);
        long next = System.nanoTime();
        while (keepGoing.getAsBoolean()) {
            tick();
            if (periodNanos == 0) {
                continue;
            }
            next += periodNanos;
            long now = System.nanoTime();
            if (now > next) {
                // Overran: skip whole periods rather than catching up in a burst.
                long behind = (now - next) / periodNanos + 1;
                countOverruns(behind);
                next += behind * periodNanos;
            }
            long wait;
            while ((wait = next - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }
}
