package dev.myelin.launch.file;

import dev.myelin.launch.Myelin;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The kinds of node a launch file may name. In-process: {@code broker}, {@code sim-node},
 * {@code controller}, {@code ota-agent}, {@code release}, {@code foxglove}. With {@code process: separate}, any
 * {@code ./myelin} subcommand ({@code base}, {@code train} or its alias {@code trainer}, {@code sim-node},
 * {@code controller}, ...), its parameters being that command's options ({@code max_steps: 3} is
 * {@code --max-steps 3}; {@code args} holds positional arguments; {@code param_file} is {@code --params}).
 */
public final class NodeKinds {
    private static final Set<String> ROS = Set.of("domain", "localhost_only");
    private static final Map<String, Set<String>> IN_PROCESS = Map.of(
            "broker", Set.of("port", "work_dir"),
            "sim-node", union(ROS, "task", "task_options", "seed", "rate", "command_timeout", "log_episodes"),
            "controller", union(ROS, "bundle", "engine", "rate", "idle", "inactive"),
            "ota-agent", Set.of("controller", "broker", "fleet", "policy", "channel", "robot_id", "state_dir", "trust",
                    "release_key", "factory", "experience", "reward_topic"),
            "release", Set.of("broker", "bundle", "key", "name", "version", "fleet", "channel", "canary", "health_check",
                    "timeout", "delay"),
            "foxglove", union(ROS, "port", "host", "topics", "max_queued"));
    private static final Set<String> REMAPPABLE = Set.of("sim-node", "controller");
    private static volatile Map<String, CommandLine> subcommands;

    private NodeKinds() {
    }

    /** Kinds that run in-process. */
    public static Set<String> inProcess() {
        return new TreeSet<>(IN_PROCESS.keySet());
    }

    private static Set<String> union(Set<String> a, String... more) {
        Set<String> s = new java.util.HashSet<>(a);
        s.addAll(List.of(more));
        return Set.copyOf(s);
    }

    private static Map<String, CommandLine> subcommands() {
        Map<String, CommandLine> m = subcommands;
        if (m == null) {
            m = new CommandLine(new Myelin()).getSubcommands();
            subcommands = m;
        }
        return m;
    }

    private static String command(String kind) {
        return kind.equals("trainer") ? "train" : kind;
    }

    /** Checks a node's kind and keys as parsed; errors name the line and key. */
    static void check(LaunchFile.NodeSpec s, Map<String, Integer> keyLines) {
        String src = s.params().source();
        if (s.separate()) {
            CommandLine cmd = subcommands().get(command(s.kind()));
            if (cmd == null || s.kind().equals("launch")) {
                throw new LaunchFileException(src, keyLines.get("kind"), "kind", "'" + s.kind()
                        + "' is not a ./myelin subcommand that can run as a separate process");
            }
            if (!s.remaps().isEmpty()) {
                throw new LaunchFileException(src, keyLines.get("remap"), "remap", "remapping needs process: in-process");
            }
            if (s.rosParameters() != null) {
                throw new LaunchFileException(src, keyLines.get("ros__parameters"), "ros__parameters",
                        "inline parameters need process: in-process; give param_file");
            }
            arguments(s, cmd.getCommandSpec(), keyLines);
            return;
        }
        Set<String> allowed = IN_PROCESS.get(s.kind());
        if (allowed == null) {
            throw new LaunchFileException(src, keyLines.get("kind"), "kind", "'" + s.kind() + "' cannot run in-process (in-process: "
                    + String.join(", ", inProcess()) + "; other ./myelin subcommands with process: separate)");
        }
        s.params().allowOnly(allowed, s.kind());
        if (!s.remaps().isEmpty() && !REMAPPABLE.contains(s.kind())) {
            throw new LaunchFileException(src, keyLines.get("remap"), "remap", "a " + s.kind() + " node has no ROS topics to remap");
        }
        if (s.readyLine() != null) {
            throw new LaunchFileException(src, keyLines.get("ready_line"), "ready_line", "only separate processes report by output lines");
        }
        boolean controller = s.kind().equals("controller");
        if (!controller && (s.paramFile() != null || s.rosParameters() != null)) {
            String k = s.paramFile() != null ? "param_file" : "ros__parameters";
            throw new LaunchFileException(src, keyLines.get(k), k, "only a controller node takes a ROS parameter file");
        }
        if (controller && s.paramFile() == null && s.rosParameters() == null) {
            throw new LaunchFileException(src, s.line(), "param_file", "a controller node needs param_file or ros__parameters");
        }
    }

    /** The child's command line after the main class: subcommand and options. */
    static List<String> arguments(LaunchFile.NodeSpec s, CommandSpec spec, Map<String, Integer> keyLines) {
        List<String> out = new ArrayList<>();
        out.add(spec.name());
        NodeParams p = s.params();
        if (s.paramFile() != null) {
            if (spec.findOption("--params") == null) {
                throw new LaunchFileException(p.source(), keyLines == null ? s.line() : keyLines.get("param_file"), "param_file",
                        "./myelin " + spec.name() + " takes no --params");
            }
            out.add("--params");
            out.add(s.paramFile().toString());
        }
        if (!s.namespace().equals("/")) {
            if (spec.findOption("--namespace") == null) {
                throw new LaunchFileException(p.source(), keyLines == null ? s.line() : keyLines.get("namespace"), "namespace",
                        "./myelin " + spec.name() + " takes no --namespace");
            }
            out.add("--namespace");
            out.add(s.namespace());
        }
        List<String> positional = new ArrayList<>();
        for (Map.Entry<String, NodeParams.Entry> e : p.entries().entrySet()) {
            String key = e.getKey();
            String value = e.getValue().value();
            if (key.equals("args")) {
                if (value != null && !value.isBlank()) {
                    positional.addAll(List.of(value.trim().split("\\s+")));
                }
                continue;
            }
            String opt = "--" + key.replace('_', '-');
            OptionSpec o = spec.findOption(opt);
            if (o == null) {
                throw p.error(key, "./myelin " + spec.name() + " has no option " + opt);
            }
            boolean flag = o.arity().max() == 0 || (o.type() == boolean.class || o.type() == Boolean.class) && o.arity().max() <= 1
                    && o.arity().min() == 0;
            if (flag) {
                boolean on = p.bool(key, false);
                if (on) {
                    out.add(opt);
                } else if (o.negatable()) {
                    out.add("--no-" + key.replace('_', '-'));
                }
            } else {
                if (value == null) {
                    throw p.error(key, "needs a value");
                }
                out.add(opt);
                out.add(value);
            }
        }
        out.addAll(positional);
        return out;
    }

    /** Creates the node for a checked spec. */
    static LaunchNode create(LaunchFile.NodeSpec s, LaunchRunner.Peers peers) throws Exception {
        if (s.separate()) {
            CommandSpec spec = subcommands().get(command(s.kind())).getCommandSpec();
            return new ProcessNode(s.name(), arguments(s, spec, null), s.readyLine());
        }
        return switch (s.kind()) {
            case "broker" -> BrokerNode.of(s);
            case "sim-node" -> SimRobotNode.of(s);
            case "controller" -> ControllerNode.of(s);
            case "ota-agent" -> OtaAgentNode.of(s, peers);
            case "release" -> ReleaseNode.of(s, peers);
            case "foxglove" -> FoxgloveNode.of(s);
            default -> throw new IllegalStateException("unchecked kind " + s.kind());
        };
    }
}
