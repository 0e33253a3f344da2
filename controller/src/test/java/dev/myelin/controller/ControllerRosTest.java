package dev.myelin.controller;

import dev.myelin.controller.ros.ControllerInterfaces;
import dev.myelin.controller.ros.ControllerParameters;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.interop.PeerProcess;
import dev.myelin.ros2.interop.ServicePeer;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.param.ParameterServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controller as a ROS 2 managed node with parameters, driven by an independent C service
 * client (idlc types, rmw_cyclonedds request header): change_state walks its lifecycle and
 * transition_event reports it; get_parameters reads its ros__parameters; a set that the parameter
 * file's rules refuse changes nothing, one they accept reaches the safety gate at the next tick
 * and appears on /parameter_events.
 */
class ControllerRosTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static int domain;
    private static Context context;
    private static ServicePeer peer;

    @BeforeAll
    static void open() {
        domain = ThreadLocalRandom.current().nextInt(160, 200);
        context = Context.builder().domainId(domain).localhostOnly(true).build();
        peer = ServicePeer.build(Path.of("target", "interop", "service"));
    }

    @AfterAll
    static void close() {
        context.close();
    }

    private String set(String name, String kind, String value) throws Exception {
        try (PeerProcess p = peer.start(domain, "set", "/controller/set_parameters", name, kind, value)) {
            return p.awaitLine("RESULT", WAIT);
        }
    }

    private String change(int transition) throws Exception {
        try (PeerProcess p = peer.start(domain, "change", "/controller/change_state", Integer.toString(transition))) {
            return p.awaitLine("SUCCESS", WAIT);
        }
    }

    @Test
    void cClientManagesTheControllerAndSetsItsParameters() throws Exception {
        try (Node node = context.createNode("controller"); Node probe = context.createNode("probe")) {
            Controller controller = new Controller(TestBundles.navParams(), node, TrustedKeys.none());
            ControllerInterfaces ros = ControllerInterfaces.start(controller, node,
                    ControllerParameters.of(TestBundles.navParamsText(), "nav-params.yaml", Path.of(".")));
            MessageType transitionEvent = probe.messageType("lifecycle_msgs/msg/TransitionEvent");
            List<String> transitions = new CopyOnWriteArrayList<>();
            probe.createSubscription("/controller/transition_event", transitionEvent, Qos.DEFAULT, (m, t) -> {
                Message tr = m.child(transitionEvent.field("transition"));
                Message goal = m.child(transitionEvent.field("goal_state"));
                transitions.add(tr.getString(tr.type().field("label")) + "->" + goal.getString(goal.type().field("label")));
            });
            MessageType paramEvent = probe.messageType("rcl_interfaces/msg/ParameterEvent");
            List<String> changes = new CopyOnWriteArrayList<>();
            probe.createSubscription("/parameter_events", paramEvent, Qos.DEFAULT.withDepth(100), (m, t) -> {
                var changed = m.messages(paramEvent.field("changed_parameters"));
                for (int i = 0; i < changed.size(); i++) {
                    Message p = changed.get(i);
                    changes.add(p.getString(p.type().field("name")) + "="
                            + ParameterServer.fromMessage("v", p.child(p.type().field("value"))));
                }
            });

            assertTrue(set("actions.linear_velocity.max", "double", "0.1").startsWith("RESULT 0 the node's loop is not running"),
                    "before configure nothing ticks, so nothing can adopt a set");
            assertEquals("SUCCESS 0", change(3), "activate is not available while unconfigured");
            assertEquals("SUCCESS 1", change(1));
            assertEquals(Lifecycle.INACTIVE, controller.lifecycle());
            assertEquals("SUCCESS 1", change(3));
            assertEquals(Lifecycle.ACTIVE, controller.lifecycle());

            try (PeerProcess get = peer.start(domain, "get", "/controller/get_parameters", "rate_hz",
                    "actions.linear_velocity.max", "safety.estop_topic", "observations")) {
                get.awaitLine("DONE", WAIT);
                assertEquals(List.of("VALUE 0 2 100 0x0p+0 ", "VALUE 1 3 0 " + Double.toHexString(0.22) + " ", "VALUE 2 4 0 0x0p+0 /estop",
                        "VALUE 3 0 0 0x0p+0 "), get.output().stream().filter(l -> l.startsWith("VALUE")).toList());
            }

            assertEquals("RESULT 0 parameter 'rate_hz' is read-only", set("rate_hz", "int", "200"));
            String refused = set("actions.linear_velocity.safe", "double", "0.5");
            assertTrue(refused.startsWith("RESULT 0 ") && refused.contains("safe") && refused.contains("must lie in [min, max]"),
                    refused);
            assertEquals(0.22, (Double) ros.store().get("actions.linear_velocity.max"));
            assertEquals(0.22f, controller.gate().max(0));

            long ticksBefore = controller.metrics().ticks();
            assertEquals("RESULT 1 ", set("actions.linear_velocity.max", "double", "0.1"));
            assertTrue(controller.metrics().ticks() > ticksBefore, "the set returned after a tick adopted it");
            assertEquals(0.1f, controller.gate().max(0));
            assertEquals(0.1, (Double) ros.store().get("actions.linear_velocity.max"));
            assertTrue(ros.parameters().dump(ros.store().snapshot()).contains("max: 0.1"));

            assertEquals("SUCCESS 1", change(4));
            assertEquals(Lifecycle.INACTIVE, controller.lifecycle());
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while ((transitions.size() < 3 || changes.isEmpty()) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(List.of("configure->inactive", "activate->active", "deactivate->inactive"), transitions);
            assertEquals(List.of("actions.linear_velocity.max=0.1"), changes);
            controller.close();
        }
    }
}
