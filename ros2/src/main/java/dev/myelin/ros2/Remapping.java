package dev.myelin.ros2;

import java.util.ArrayList;
import java.util.List;

/**
 * Name remapping rules as given on a ROS command line ({@code --ros-args -r from:=to}, optionally
 * node-scoped {@code node:from:=to}). Both sides are expanded against the node's namespace before
 * matching, so {@code cmd_vel:=/robot1/cmd_vel} applies to whatever {@code cmd_vel} expands to.
 * The special rules {@code __ns:=/ns} and {@code __node:=name} change a node's namespace and name.
 * The first matching rule wins, as in rcl.
 *
 * <p>Immutable and thread-safe.
 */
public final class Remapping {
    /** One rule; {@code node} is null when it applies to every node. */
    public record Rule(String node, String from, String to) {
    }

    private final List<Rule> rules;

    private Remapping(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** No rules. */
    public static Remapping none() {
        return new Remapping(List.of());
    }

    /**
     * Parses rules {@code from:=to} / {@code node:from:=to}.
     *
     * @throws IllegalArgumentException naming the malformed rule
     */
    public static Remapping parse(List<String> ruleTexts) {
        List<Rule> rules = new ArrayList<>();
        for (String text : ruleTexts) {
            int sep = text.indexOf(":=");
            if (sep <= 0 || sep == text.length() - 2) {
                throw new IllegalArgumentException("remapping rule '" + text + "' is not of the form from:=to");
            }
            String left = text.substring(0, sep);
            String to = text.substring(sep + 2);
            String node = null;
            int colon = left.indexOf(':');
            if (colon > 0) {
                node = TopicNames.validateNodeName(left.substring(0, colon));
                left = left.substring(colon + 1);
            }
            if (left.isEmpty() || to.isEmpty()) {
                throw new IllegalArgumentException("remapping rule '" + text + "' has an empty side");
            }
            rules.add(new Rule(node, left, to));
        }
        return new Remapping(rules);
    }

    /** These rules followed by {@code more}. */
    public Remapping with(Remapping more) {
        List<Rule> all = new ArrayList<>(rules);
        all.addAll(more.rules);
        return new Remapping(all);
    }

    public List<Rule> rules() {
        return rules;
    }

    /** The node name after {@code __node:=} rules, or {@code name}. */
    public String nodeName(String name) {
        for (Rule r : rules) {
            if (r.from().equals("__node") && (r.node() == null || r.node().equals(name))) {
                return TopicNames.validateNodeName(r.to());
            }
        }
        return name;
    }

    /** The namespace after {@code __ns:=} rules, or {@code namespace}. */
    public String namespace(String nodeName, String namespace) {
        for (Rule r : rules) {
            if (r.from().equals("__ns") && (r.node() == null || r.node().equals(nodeName))) {
                return TopicNames.validateNamespace(r.to());
            }
        }
        return TopicNames.validateNamespace(namespace);
    }

    /** Expands {@code name} for the node and applies the first matching rule. */
    public String resolve(String name, String nodeName, String namespace) {
        String fqn = TopicNames.expand(name, nodeName, namespace);
        for (Rule r : rules) {
            if (r.from().startsWith("__") || (r.node() != null && !r.node().equals(nodeName))) {
                continue;
            }
            if (TopicNames.expand(r.from(), nodeName, namespace).equals(fqn)) {
                return TopicNames.expand(r.to(), nodeName, namespace);
            }
        }
        return fqn;
    }
}
