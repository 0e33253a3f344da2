package dev.myelin.controller.ros;

import dev.myelin.controller.Controller;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.lifecycle.LifecycleServer;
import dev.myelin.ros2.param.ParameterServer;
import dev.myelin.ros2.param.ParameterStore;

/**
 * Puts a controller's parameters and lifecycle on its node: the six parameter services and
 * {@code /parameter_events} over {@link ControllerParameters}, and the lifecycle services and
 * {@code ~/transition_event} over {@link ControllerLifecycle}. Closed with the node.
 */
public record ControllerInterfaces(ControllerParameters parameters, ParameterStore store, ParameterServer parameterServer,
                                   LifecycleServer lifecycleServer) {

    /** Serves {@code controller}'s parameters (from its parameter file text) and lifecycle on {@code node}. */
    public static ControllerInterfaces start(Controller controller, Node node, ControllerParameters parameters) {
        ParameterStore store = parameters.store(controller);
        controller.adoptParametersFrom(store);
        ParameterServer ps = node.serveParameters(store);
        LifecycleServer ls = LifecycleServer.start(node, new ControllerLifecycle(controller));
        return new ControllerInterfaces(parameters, store, ps, ls);
    }
}
