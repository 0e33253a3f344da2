package dev.myelin.ros2.msg;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code ros2msg} schema text of a message type as recorders and viewers expect it (MCAP's
 * ROS 2 profile, the Foxglove WebSocket protocol): the type's own {@code .msg} text, then for every
 * type it contains, directly or not, a line of 80 {@code =}, a line {@code MSG: pkg/Name} and that
 * type's {@code .msg} text.
 */
public final class Ros2MsgSchema {
    private static final String SEPARATOR = "=".repeat(80);

    private Ros2MsgSchema() {
    }

    /** Full definition text of {@code type} with its dependencies. */
    public static String fullText(MessageType type) {
        List<MessageType> closure = type.typeClosure();
        StringBuilder sb = new StringBuilder(closure.getFirst().definition().text().strip()).append('\n');
        for (MessageType dep : closure.subList(1, closure.size())) {
            sb.append(SEPARATOR).append('\n')
              .append("MSG: ").append(dep.packageName()).append('/').append(dep.shortName()).append('\n')
              .append(dep.definition().text().strip()).append('\n');
        }
        return sb.toString();
    }

    /**
     * Splits full definition text back into one {@code .msg} text per type, the named type first,
     * keyed by {@code pkg/msg/Name}.
     *
     * @throws MessageDefinitionException naming the line of a malformed {@code MSG:} header
     */
    public static Map<String, String> split(String name, String fullText) {
        Map<String, String> out = new LinkedHashMap<>();
        String current = MessageTypes.canonicalName(name);
        StringBuilder sb = new StringBuilder();
        String[] lines = fullText.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.strip().matches("={10,}") && i + 1 < lines.length && lines[i + 1].startsWith("MSG:")) {
                out.put(current, sb.toString());
                sb.setLength(0);
                String dep = lines[++i].substring(4).strip();
                try {
                    current = MessageTypes.canonicalName(dep);
                } catch (RuntimeException e) {
                    throw new MessageDefinitionException("definition of " + name + ", line " + (i + 1)
                            + ": '" + dep + "' is not a message type name");
                }
                continue;
            }
            sb.append(line).append('\n');
        }
        out.put(current, sb.toString());
        return out;
    }
}
