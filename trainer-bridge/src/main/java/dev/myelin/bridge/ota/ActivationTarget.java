package dev.myelin.bridge.ota;

import dev.myelin.policy.bundle.PolicyBundle;

import java.util.concurrent.CompletableFuture;

/**
 * What the over-the-air agent needs from the process that runs the policy (the controller's control loop):
 * build a verified bundle into a runnable policy off the control thread, switch to it on a tick boundary,
 * and report the loop's health counters. The agent calls {@link #prepare} and {@link #activate} on its own
 * thread, never on the control thread; {@link #health()} from any thread.
 *
 * <p>Contract, which the agent's health check and rollback rely on:
 * <ul>
 *   <li>{@link #prepare} has no effect on the running policy; everything allocated for the new policy is
 *       allocated here, so the switch itself allocates nothing on the control thread;</li>
 *   <li>{@link #activate} switches between two ticks, never inside one; the future completes with the
 *       counters as they stood at the switch, so every count after it belongs to the new policy;</li>
 *   <li>a prepared policy may be activated again later (the agent keeps the last committed one prepared, so
 *       a rollback needs no new allocation and cannot fail for lack of memory);</li>
 *   <li>counters are monotonic for the life of the process.</li>
 * </ul>
 */
public interface ActivationTarget {

    /** A bundle made ready to run; owned by the host. */
    interface Prepared {
        PolicyBundle bundle();
    }

    /**
     * Builds everything needed to run {@code bundle} (engine, buffers, channel mapping) without touching the
     * running policy, and should warm it up (a few decisions on a neutral observation, then a reset) so its
     * first ticks do not run cold code and miss their deadline during the health check.
     *
     * @throws ActivationRefusedException when this robot cannot run the bundle (channels, engine)
     */
    Prepared prepare(PolicyBundle bundle) throws ActivationRefusedException;

    /**
     * Switches the control loop to {@code next} at its next tick boundary. The future completes with the
     * counters at the switch, or exceptionally ({@link ActivationRefusedException}) when the switch cannot
     * happen; the previous policy keeps running then.
     */
    CompletableFuture<HealthCounters> activate(Prepared next);

    /** The loop's counters now (monotonic). Any thread. */
    HealthCounters health();
}
