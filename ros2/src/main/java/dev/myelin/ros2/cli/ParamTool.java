package dev.myelin.ros2.cli;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageArray;
import dev.myelin.ros2.msg.StringArray;
import dev.myelin.ros2.param.ParameterServer;
import dev.myelin.ros2.param.ParameterType;
import dev.myelin.ros2.param.ParameterValues;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;

/**
 * What {@code ros2 param} does, over any node's rcl_interfaces parameter services: {@code list},
 * {@code get}, {@code set} and {@code dump} (the {@code ros__parameters} YAML the node would load,
 * dotted names nested as maps).
 */
public final class ParamTool {
    private final Context context;
    private final PrintStream out;
    private final Duration timeout;

    public ParamTool(Context context, PrintStream out, Duration timeout) {
        this.context = context;
        this.out = out;
        this.timeout = timeout;
    }

    private static String base(String node) {
        return node.startsWith("/") ? node : "/" + node;
    }

    /** Declared names of {@code node}, sorted. */
    public List<String> names(String node) throws TimeoutException, InterruptedException {
        Message res = ServiceTool.call(context, base(node) + "/list_parameters", "rcl_interfaces/srv/ListParameters",
                req -> { }, timeout);
        Message result = res.child(res.type().field("result"));
        StringArray names = result.strings(result.type().field("names"));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            out.add(names.get(i));
        }
        out.sort(null);
        return out;
    }

    /** Values of {@code names} (null for undeclared ones). */
    public Map<String, Object> values(String node, List<String> names) throws TimeoutException, InterruptedException {
        Message res = ServiceTool.call(context, base(node) + "/get_parameters", "rcl_interfaces/srv/GetParameters",
                req -> req.strings(req.type().field("names")).setAll(names.toArray(String[]::new)), timeout);
        MessageArray values = res.messages(res.type().field("values"));
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size() && i < values.size(); i++) {
            Message v = values.get(i);
            out.put(names.get(i), v.getInt(v.type().field("type")) == 0 ? null : ParameterServer.fromMessage(names.get(i), v));
        }
        return out;
    }

    /** The declared type of a parameter ({@code NOT_SET} when undeclared). */
    public ParameterType type(String node, String name) throws TimeoutException, InterruptedException {
        Message res = ServiceTool.call(context, base(node) + "/get_parameter_types", "rcl_interfaces/srv/GetParameterTypes",
                req -> req.strings(req.type().field("names")).setAll(name), timeout);
        var types = res.primitives(res.type().field("types"));
        return types.size() == 0 ? ParameterType.NOT_SET : ParameterType.ofCode((int) types.getLong(0));
    }

    /** {@code ros2 param list NODE}. */
    public void list(String node) throws TimeoutException, InterruptedException {
        for (String n : names(node)) {
            out.println("  " + n);
        }
    }

    /** {@code ros2 param get NODE NAME}; 1 when the parameter is not set. */
    public int get(String node, String name) throws TimeoutException, InterruptedException {
        Object v = values(node, List.of(name)).get(name);
        if (v == null) {
            out.println("Parameter not set.");
            return 1;
        }
        ParameterType t = ParameterValues.typeOf(v);
        String kind = switch (t) {
            case BOOL -> "Boolean value is";
            case INTEGER -> "Integer value is";
            case DOUBLE -> "Double value is";
            case STRING -> "String value is";
            default -> t.label().substring(0, 1).toUpperCase(Locale.ROOT) + t.label().substring(1) + " values are";
        };
        out.println(kind + ": " + ParameterValues.format(v));
        return 0;
    }

    /** {@code ros2 param set NODE NAME VALUE} (VALUE read as YAML: true, 3, 0.5, text, [a, b]); 1 when refused. */
    public int set(String node, String name, String value) throws TimeoutException, InterruptedException {
        Object parsed = parseValue(value);
        if (parsed instanceof Long l && type(node, name) == ParameterType.DOUBLE) {
            parsed = l.doubleValue(); // "1" for a double parameter means 1.0
        }
        Object v = parsed;
        Message res = ServiceTool.call(context, base(node) + "/set_parameters", "rcl_interfaces/srv/SetParameters", req -> {
            Message p = req.messages(req.type().field("parameters")).add();
            p.setString(p.type().field("name"), name);
            ParameterServer.toMessage(v, p.child(p.type().field("value")));
        }, timeout);
        Message r = res.messages(res.type().field("results")).get(0);
        if (r.getBoolean(r.type().field("successful"))) {
            out.println("Set parameter successful");
            return 0;
        }
        out.println("Setting parameter failed: " + r.getString(r.type().field("reason")));
        return 1;
    }

    /** {@code ros2 param dump NODE}: the {@code ros__parameters} YAML. */
    public String dump(String node) throws TimeoutException, InterruptedException {
        Map<String, Object> values = values(node, names(node));
        Map<String, Object> tree = new TreeMap<>();
        values.forEach((k, v) -> {
            String[] path = k.split("\\.");
            Map<String, Object> at = tree;
            for (int i = 0; i < path.length - 1; i++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> next = (Map<String, Object>) at.computeIfAbsent(path[i], x -> new TreeMap<String, Object>());
                at = next;
            }
            at.put(path[path.length - 1], v);
        });
        String name = base(node);
        StringBuilder sb = new StringBuilder(name.substring(name.lastIndexOf('/') + 1)).append(":\n  ros__parameters:\n");
        write(tree, 2, sb);
        return sb.toString();
    }

    private static void write(Map<String, Object> map, int depth, StringBuilder sb) {
        for (Map.Entry<String, Object> e : map.entrySet()) {
            sb.append("  ".repeat(depth)).append(e.getKey()).append(':');
            if (e.getValue() instanceof Map<?, ?> m) {
                sb.append('\n');
                @SuppressWarnings("unchecked")
                Map<String, Object> child = (Map<String, Object>) m;
                write(child, depth + 1, sb);
            } else {
                sb.append(' ').append(yaml(e.getValue())).append('\n');
            }
        }
    }

    private static String yaml(Object v) {
        if (v instanceof String s) {
            return s.isEmpty() || !s.matches("[A-Za-z0-9_./\\-]+") || !(parseValue(s) instanceof String)
                    ? "'" + s.replace("'", "''") + "'" : s;
        }
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            l.forEach(x -> parts.add(yaml(x)));
            return "[" + String.join(", ", parts) + "]";
        }
        return ParameterValues.format(v);
    }

    /** A command-line value as YAML reads it: bool, integer, double, string, or a flow list of one of those. */
    public static Object parseValue(String text) {
        String t = text.strip();
        if (t.startsWith("[") && t.endsWith("]")) {
            List<Object> items = new ArrayList<>();
            String inner = t.substring(1, t.length() - 1).strip();
            if (!inner.isEmpty()) {
                for (String part : inner.split(",")) {
                    items.add(parseValue(part));
                }
            }
            for (Object o : items) {
                if (o.getClass() != items.getFirst().getClass()) {
                    throw new IllegalArgumentException("list '" + text + "' mixes types; parameter arrays hold one type");
                }
            }
            return List.copyOf(items);
        }
        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(t.toLowerCase(Locale.ROOT));
        }
        if (t.matches("[-+]?[0-9]+")) {
            return Long.parseLong(t);
        }
        if (t.matches("[-+]?([0-9]*\\.[0-9]+|[0-9]+\\.[0-9]*)([eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+")) {
            return Double.parseDouble(t);
        }
        if (t.length() >= 2 && (t.startsWith("'") && t.endsWith("'") || t.startsWith("\"") && t.endsWith("\""))) {
            return t.substring(1, t.length() - 1);
        }
        return t;
    }
}
