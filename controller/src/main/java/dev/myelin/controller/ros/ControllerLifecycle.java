package dev.myelin.controller.ros;

import dev.myelin.controller.Controller;
import dev.myelin.controller.Lifecycle;
import dev.myelin.ros2.lifecycle.LifecycleState;
import dev.myelin.ros2.lifecycle.LifecycleTransition;
import dev.myelin.ros2.lifecycle.ManagedNode;

import java.util.EnumSet;
import java.util.Set;

/**
 * The controller's lifecycle as a ROS 2 managed node: configure, activate, deactivate and
 * shutdown map onto {@link Controller#configure}, {@link Controller#activate},
 * {@link Controller#deactivate} and {@link Controller#close}. Cleanup is not offered: the
 * controller does not go back to unconfigured.
 */
public final class ControllerLifecycle implements ManagedNode {
    private static final Set<LifecycleTransition> SUPPORTED = EnumSet.of(LifecycleTransition.CONFIGURE,
            LifecycleTransition.ACTIVATE, LifecycleTransition.DEACTIVATE, LifecycleTransition.UNCONFIGURED_SHUTDOWN,
            LifecycleTransition.INACTIVE_SHUTDOWN, LifecycleTransition.ACTIVE_SHUTDOWN);

    private final Controller controller;

    public ControllerLifecycle(Controller controller) {
        this.controller = controller;
    }

    @Override
    public LifecycleState state() {
        return switch (controller.lifecycle()) {
            case UNCONFIGURED -> LifecycleState.UNCONFIGURED;
            case INACTIVE -> LifecycleState.INACTIVE;
            case ACTIVE -> LifecycleState.ACTIVE;
            case FINALIZED -> LifecycleState.FINALIZED;
        };
    }

    @Override
    public Set<LifecycleTransition> supported() {
        return SUPPORTED;
    }

    @Override
    public void apply(LifecycleTransition t) {
        switch (t) {
            case CONFIGURE -> controller.configure();
            case ACTIVATE -> controller.activate();
            case DEACTIVATE -> controller.deactivate();
            case UNCONFIGURED_SHUTDOWN, INACTIVE_SHUTDOWN, ACTIVE_SHUTDOWN -> controller.close();
            default -> throw new IllegalStateException(t + " is not supported by the controller");
        }
        if (controller.lifecycle() == Lifecycle.FINALIZED && t.goal() != LifecycleState.FINALIZED) {
            throw new IllegalStateException("controller finalized during " + t);
        }
    }
}
