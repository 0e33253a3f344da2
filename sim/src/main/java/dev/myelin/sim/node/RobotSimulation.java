package dev.myelin.sim.node;

import dev.myelin.ros2.time.FixedRate;
import dev.myelin.sim.EpisodeStats;

import java.util.function.BooleanSupplier;

/**
 * A simulated robot on ROS 2 that one thread ticks: {@link SimNode} (wheeled bases) and
 * {@link LeggedSimNode} (the quadruped). {@link #run} paces ticks at a real-time factor on a {@link FixedRate}
 * schedule (absolute deadlines), skipping (and counting) whole periods on overrun instead of bursting.
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
        FixedRate rate = periodNanos == 0 ? null : new FixedRate(periodNanos, System.nanoTime());
        while (keepGoing.getAsBoolean()) {
            tick();
            if (rate == null) {
                continue;
            }
            long behind = rate.advance(System.nanoTime());
            if (behind > 0) {
                countOverruns(behind);
            }
            FixedRate.parkUntil(rate.release());
        }
    }
}
