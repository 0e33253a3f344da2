package dev.myelin.ros2.lifecycle;

import java.util.Set;

/** What a node exposes to be managed: its state and the transitions it carries out. */
public interface ManagedNode {
    /** The current primary state. */
    LifecycleState state();

    /** The transitions this node implements (some may never be available, e.g. cleanup). */
    Set<LifecycleTransition> supported();

    /**
     * Carries out {@code transition}, which leaves the current state. Returns when done.
     *
     * @throws Exception when it failed; the node reports the state it is in afterwards
     */
    void apply(LifecycleTransition transition) throws Exception;
}
