package dev.myelin.ros2;

import java.util.regex.Pattern;

/**
 * ROS 2 names (REP-2000 / design article "Topic and Service name mapping to DDS"): validation,
 * expansion of relative ({@code cmd_vel}), private ({@code ~/status}) and substituted
 * ({@code {node}}) names to fully qualified ones, and the mapping to DDS: topic {@code /x} is DDS
 * topic {@code rt/x}.
 *
 * <p>Stateless and thread-safe.
 */
public final class TopicNames {
    /** Prefix rmw implementations put before a ROS topic's fully qualified name. */
    public static final String DDS_TOPIC_PREFIX = "rt";

    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private TopicNames() {
    }

    /** Checks a node name: letters, digits and underscores, not starting with a digit. */
    public static String validateNodeName(String name) {
        if (name == null || !NODE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid node name '" + name
                    + "': use letters, digits and underscores, not starting with a digit");
        }
        return name;
    }

    /** Checks and normalizes a namespace: absolute, no trailing slash ({@code "/"} or {@code "/robot1"}). */
    public static String validateNamespace(String namespace) {
        if (namespace == null || namespace.isEmpty() || namespace.equals("/")) {
            return "/";
        }
        String ns = namespace.startsWith("/") ? namespace : "/" + namespace;
        if (ns.endsWith("/")) {
            ns = ns.substring(0, ns.length() - 1);
        }
        checkTokens(ns, "namespace");
        return ns;
    }

    /**
     * Expands a topic name as rcl does: {@code ~} is the node's fully qualified name,
     * {@code {node}} and {@code {ns}} are substituted, a relative name is put under the namespace.
     *
     * @return the fully qualified name, e.g. {@code /robot1/cmd_vel}
     * @throws IllegalArgumentException naming what is wrong with the name
     */
    public static String expand(String name, String nodeName, String namespace) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("topic name is empty");
        }
        String ns = validateNamespace(namespace);
        String n = name.strip();
        n = n.replace("{node}", nodeName).replace("{ns}", ns.equals("/") ? "" : ns).replace("{namespace}", ns.equals("/") ? "" : ns);
        if (n.startsWith("~")) {
            String nodeFqn = (ns.equals("/") ? "" : ns) + "/" + nodeName;
            if (n.equals("~")) {
                n = nodeFqn;
            } else if (n.startsWith("~/")) {
                n = nodeFqn + n.substring(1);
            } else {
                throw new IllegalArgumentException("invalid topic name '" + name + "': '~' must be followed by '/'");
            }
        } else if (!n.startsWith("/")) {
            n = (ns.equals("/") ? "" : ns) + "/" + n;
        }
        checkTokens(n, "topic name");
        return n;
    }

    /** The DDS topic name of a fully qualified ROS topic: {@code /cmd_vel -> rt/cmd_vel}. */
    public static String toDds(String fullyQualifiedName) {
        if (!fullyQualifiedName.startsWith("/")) {
            throw new IllegalArgumentException("'" + fullyQualifiedName + "' is not fully qualified");
        }
        return DDS_TOPIC_PREFIX + fullyQualifiedName;
    }

    /** The ROS topic of a DDS topic name, or null if it is not a ROS topic ({@code rt/...}). */
    public static String fromDds(String ddsTopic) {
        return ddsTopic.startsWith(DDS_TOPIC_PREFIX + "/") ? ddsTopic.substring(DDS_TOPIC_PREFIX.length()) : null;
    }

    private static void checkTokens(String fqn, String what) {
        if (fqn.length() > 1 && fqn.endsWith("/")) {
            throw new IllegalArgumentException("invalid " + what + " '" + fqn + "': must not end with '/'");
        }
        String[] tokens = fqn.substring(1).split("/", -1);
        for (String token : tokens) {
            if (token.isEmpty()) {
                throw new IllegalArgumentException("invalid " + what + " '" + fqn + "': empty element ('//')");
            }
            if (!TOKEN.matcher(token).matches()) {
                throw new IllegalArgumentException("invalid " + what + " '" + fqn + "': element '" + token
                        + "' must use letters, digits and underscores and not start with a digit");
            }
        }
    }
}
