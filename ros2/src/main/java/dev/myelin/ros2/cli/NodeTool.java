package dev.myelin.ros2.cli;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.graph.NodeEntities;
import dev.myelin.ros2.graph.NodeGraph;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What {@code ros2 node} does, on a {@link Context}: {@code list} and {@code info}, in the same
 * formats, for every node announced on {@code ros_discovery_info} (Myelin's and other vendors').
 * Nodes whose name starts with {@code _} (tools' own nodes) are hidden unless asked for, as ros2 does.
 */
public final class NodeTool {
    private final Context context;
    private final PrintStream out;

    public NodeTool(Context context, PrintStream out) {
        this.context = context;
        this.out = out;
    }

    /** {@code ros2 node list}: fully qualified names after {@code spin} of discovery; {@code count} prints only how many. */
    public List<String> list(boolean all, boolean count, Duration spin) throws InterruptedException {
        NodeGraph graph = context.nodeGraph();
        Thread.sleep(spin.toMillis());
        List<String> names = graph.nodes().stream()
                .filter(n -> all || !n.name().startsWith("_"))
                .map(NodeEntities::fullyQualifiedName)
                .distinct()
                .toList();
        if (count) {
            out.println(names.size());
        } else {
            names.forEach(out::println);
        }
        return names;
    }

    /**
     * {@code ros2 node info NAME}: the node's subscribers, publishers, service servers and clients.
     *
     * @param name fully qualified ({@code /ns/name}); a name without a leading slash is taken as {@code /name}
     * @throws IllegalArgumentException when no such node is announced within {@code spin}
     */
    public NodeGraph.NodeInfo info(String name, Duration spin) throws InterruptedException {
        String fqn = name.startsWith("/") ? name : "/" + name;
        NodeGraph graph = context.nodeGraph();
        Thread.sleep(spin.toMillis());
        NodeGraph.NodeInfo info = graph.info(fqn).orElseThrow(() -> new IllegalArgumentException(
                "Unable to find node '" + fqn + "'" + (graph.nodes().isEmpty() ? " (no nodes announced on the domain)" : "")));
        out.println(fqn);
        section("Subscribers", info.subscribers());
        section("Publishers", info.publishers());
        section("Service Servers", info.serviceServers());
        section("Service Clients", info.serviceClients());
        section("Action Servers", Map.of());
        section("Action Clients", Map.of());
        return info;
    }

    private void section(String title, Map<String, List<String>> entries) {
        out.println("  " + title + ":");
        entries.forEach((topic, types) -> out.println("    " + topic + ": " + String.join(", ", types)));
    }
}
