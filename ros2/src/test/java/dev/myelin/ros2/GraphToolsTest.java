package dev.myelin.ros2;

import dev.myelin.ros2.cli.LifecycleTool;
import dev.myelin.ros2.cli.ParamTool;
import dev.myelin.ros2.cli.ServiceTool;
import dev.myelin.ros2.lifecycle.LifecycleServer;
import dev.myelin.ros2.lifecycle.LifecycleState;
import dev.myelin.ros2.lifecycle.LifecycleTransition;
import dev.myelin.ros2.lifecycle.ManagedNode;
import dev.myelin.ros2.param.ParameterDescriptor;
import dev.myelin.ros2.param.ParameterStore;
import dev.myelin.ros2.param.ParameterType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service, param and lifecycle tools against Java nodes, printing what the ros2 tools print. */
class GraphToolsTest {
    private static final Duration T = Duration.ofSeconds(10);
    private static Context context;

    @BeforeAll
    static void open() {
        context = TestDomain.context();
    }

    @AfterAll
    static void close() {
        context.close();
    }

    private static final class Toy implements ManagedNode {
        volatile LifecycleState state = LifecycleState.UNCONFIGURED;

        @Override
        public LifecycleState state() {
            return state;
        }

        @Override
        public Set<LifecycleTransition> supported() {
            return EnumSet.allOf(LifecycleTransition.class);
        }

        @Override
        public void apply(LifecycleTransition t) {
            state = t.goal();
        }
    }

    @Test
    void paramLifecycleAndServiceToolsTalkToANode() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Node node = context.createNode("tool_target", "/robot1")) {
            ParameterStore store = ParameterStore.immediate(List.of(
                            ParameterDescriptor.of("rate_hz", ParameterType.DOUBLE, "rate").range(10, 1000),
                            ParameterDescriptor.of("safety.estop_topic", ParameterType.STRING, "e-stop").asReadOnly(),
                            ParameterDescriptor.of("frames", ParameterType.STRING_ARRAY, "frames")),
                    Map.of("rate_hz", 100.0, "safety.estop_topic", "/estop", "frames", List.of("odom", "base_link")),
                    p -> null);
            node.serveParameters(store);
            Toy toy = new Toy();
            LifecycleServer.start(node, toy);

            ParamTool param = new ParamTool(context, out, T);
            param.list("/robot1/tool_target");
            assertEquals(0, param.get("/robot1/tool_target", "rate_hz"));
            assertEquals(0, param.set("/robot1/tool_target", "rate_hz", "250.0"));
            assertEquals(1, param.set("/robot1/tool_target", "rate_hz", "5.0"));
            assertEquals(1, param.set("/robot1/tool_target", "safety.estop_topic", "/other"));
            assertEquals(250.0, store.get("rate_hz"));
            assertEquals(0, param.set("/robot1/tool_target", "rate_hz", "300"), "an integer given for a double parameter");
            assertEquals(300.0, store.get("rate_hz"));
            assertEquals("""
                    tool_target:
                      ros__parameters:
                        frames: [odom, base_link]
                        rate_hz: 300.0
                        safety:
                          estop_topic: /estop
                    """, param.dump("/robot1/tool_target"));

            LifecycleTool lifecycle = new LifecycleTool(context, out, T);
            lifecycle.get("/robot1/tool_target");
            assertEquals(0, lifecycle.set("/robot1/tool_target", "configure"));
            assertEquals(1, lifecycle.set("/robot1/tool_target", "configure"));
            assertEquals(0, lifecycle.set("/robot1/tool_target", "3"));
            assertEquals(LifecycleState.ACTIVE, toy.state);
            lifecycle.list("/robot1/tool_target");

            ServiceTool service = new ServiceTool(context, out);
            service.list(true, Duration.ofMillis(300));
            assertEquals(0, service.call("/robot1/tool_target/get_parameters", "rcl_interfaces/srv/GetParameters",
                    "{names: [safety.estop_topic]}", T));
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        String[] expected = {
                "  frames\n  rate_hz\n  safety.estop_topic\n",
                "Double value is: 100.0\n",
                "Set parameter successful\n",
                "Setting parameter failed: parameter 'rate_hz' must be in [10, 1000], not 5.0\n",
                "Setting parameter failed: parameter 'safety.estop_topic' is read-only\n",
                "unconfigured [1]\n",
                "Transitioning successful\nTransitioning failed\nTransitioning successful\n",
                "- deactivate [4]\n\tStart: active\n\tGoal: inactive\n- shutdown [7]\n\tStart: active\n\tGoal: finalized\n",
                "/robot1/tool_target/change_state [lifecycle_msgs/srv/ChangeState]\n",
                "/robot1/tool_target/set_parameters_atomically [rcl_interfaces/srv/SetParametersAtomically]\n",
                "string_value: /estop",
        };
        for (String e : expected) {
            assertTrue(printed.contains(e), "missing:\n" + e + "\nin:\n" + printed);
        }
    }
}
