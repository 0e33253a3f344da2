package dev.myelin.sim.node;

import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.msg.Message;

/**
 * A command topic's watchdog on simulated time, as a base controller or a ros2_control hardware
 * interface has one: the latest command counts until {@code timeout} seconds after the last new
 * sample arrived, then it is stale and the robot stops (or holds). The node's thread only.
 */
final class CommandWatchdog {
    private final Subscription subscription;
    private final double timeout;
    private long seen;
    private double lastCommandTime;
    private long stale;

    CommandWatchdog(Subscription subscription, double timeout) {
        this.subscription = subscription;
        this.timeout = timeout;
    }

    /**
     * Reads the latest command into {@code into} when there is one and it is fresh at {@code simTime};
     * counts a stale one. Allocation-free.
     */
    boolean readFresh(double simTime, Message into) {
        long n = subscription.receivedCount();
        if (n != seen) {
            seen = n;
            lastCommandTime = simTime;
        }
        if (!subscription.hasSample()) {
            return false;
        }
        if (simTime - lastCommandTime <= timeout) {
            subscription.readLatest(into);
            return true;
        }
        stale++;
        return false;
    }

    /** Ticks on which the command was stale. */
    long stale() {
        return stale;
    }
}
