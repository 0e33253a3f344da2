package dev.myelin.launch.file;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A launch description in the shape of ROS 2's YAML launch format: a {@code launch:} list of
 * {@code arg:} declarations and {@code node:} entries, started in file order.
 *
 * <pre>{@code
 * launch:
 *   - arg: {name: domain, default: "0"}
 *   - node:
 *       name: sim
 *       kind: sim-node              # what runs (see NodeKinds)
 *       namespace: /
 *       process: in-process         # or separate (a child ./myelin <kind> process)
 *       ready_timeout: 30           # seconds to wait for the node to report ready
 *       ready_line: "ROS domain"    # separate processes: ready once a line of output matches
 *       param:
 *         - {name: domain, value: $(arg domain)}
 *       remap:
 *         - {from: /cmd_vel, to: /robot1/cmd_vel}
 *       ros__parameters: {...}      # controller only: its parameter file's content, inline
 *       param_file: params.yaml     # controller only: its parameter file
 *       on_exit: shutdown           # the launch ends when this node is done
 *       repeat: 3                   # three copies; $(i) is 1, 2, 3 in each (names must differ)
 * }</pre>
 * Substitutions in values: {@code $(arg NAME)}, {@code $(env NAME [DEFAULT])}, {@code $(dirname)} (the
 * launch file's folder), {@code $(i)} (the copy number in a repeated node). Every error names the file,
 * the line and the key.
 */
public record LaunchFile(String source, Path baseDir, List<Arg> args, List<NodeSpec> nodes) {

    /** A declared argument. */
    public record Arg(String name, String defaultValue, String description) {
    }

    /** One node as written, parameters substituted. */
    public record NodeSpec(String name, String kind, String namespace, boolean separate, Duration readyTimeout,
                           String readyLine, NodeParams params, List<String> remaps, Path paramFile,
                           Map<String, Object> rosParameters, boolean shutdownOnExit, int line,
                           Map<String, Integer> rosParameterLines) {
    }

    private static final Set<String> NODE_KEYS = Set.of("name", "kind", "namespace", "process", "ready_timeout", "ready_line",
            "param", "remap", "param_file", "ros__parameters", "on_exit", "repeat");
    private static final Pattern SUBST = Pattern.compile("\\$\\((\\w+)((?:\\s+[^)]*)?)\\)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    /** Reads {@code file} with {@code overrides} for its arguments. */
    public static LaunchFile read(Path file, Map<String, String> overrides) throws IOException {
        String text;
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new LaunchFileException(file.toString(), 0, null, "not a regular file (a directory, pipe or device)");
        }
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new java.io.FileNotFoundException("launch file " + file + " does not exist");
        } catch (MalformedInputException e) {
            throw new LaunchFileException(file.toString(), 0, null, "not UTF-8 text");
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), dir, overrides);
    }

    /** Parses launch text; {@code source} names it in errors, relative paths resolve against {@code baseDir}. */
    public static LaunchFile parse(String text, String source, Path baseDir, Map<String, String> overrides) {
        YamlTree.Value root = YamlTree.parse(text, source);
        if (!(root instanceof YamlTree.MapValue top) || !top.entries().containsKey("launch")) {
            throw new LaunchFileException(source, root.line(), "launch", "the file must hold a top-level 'launch:' list");
        }
        for (String k : top.entries().keySet()) {
            if (!k.equals("launch")) {
                throw new LaunchFileException(source, top.keyLines().get(k), k, "unknown top-level key (only 'launch:')");
            }
        }
        if (!(top.entries().get("launch") instanceof YamlTree.ListValue list)) {
            throw new LaunchFileException(source, top.keyLines().get("launch"), "launch", "must be a list of arg: and node: entries");
        }
        List<Arg> args = new ArrayList<>();
        Map<String, String> values = new LinkedHashMap<>();
        List<NodeSpec> nodes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Context ctx = new Context(source, baseDir, values, null);
        for (YamlTree.Value item : list.items()) {
            if (!(item instanceof YamlTree.MapValue entry) || entry.entries().size() != 1) {
                throw new LaunchFileException(source, item.line(), "launch", "each entry must be exactly one 'arg:' or 'node:'");
            }
            String what = entry.entries().keySet().iterator().next();
            YamlTree.Value body = entry.entries().get(what);
            switch (what) {
                case "arg" -> {
                    YamlTree.MapValue m = map(ctx, body, "arg");
                    allowOnly(ctx, m, Set.of("name", "default", "description"), "arg");
                    String name = scalar(ctx, m, "name", true, false);
                    if (!NAME.matcher(name).matches()) {
                        throw new LaunchFileException(source, m.keyLines().get("name"), "name", "'" + name + "' is not a valid argument name");
                    }
                    if (values.containsKey(name)) {
                        throw new LaunchFileException(source, m.keyLines().get("name"), "name", "argument '" + name + "' is declared twice");
                    }
                    String def = scalar(ctx, m, "default", false, true);
                    String value = overrides.containsKey(name) ? overrides.get(name) : def;
                    if (value == null) {
                        throw new LaunchFileException(source, m.line(), "name", "argument '" + name
                                + "' has no default; give it with --arg " + name + "=VALUE");
                    }
                    values.put(name, value);
                    args.add(new Arg(name, def, scalar(ctx, m, "description", false, false)));
                }
                case "node" -> {
                    YamlTree.MapValue nm = map(ctx, body, "node");
                    int copies = repeat(ctx, nm);
                    for (int i = 1; i <= copies; i++) {
                        NodeSpec n = node(copies == 1 && !nm.entries().containsKey("repeat") ? ctx
                                : new Context(source, baseDir, values, i), nm);
                        if (!names.add(n.name())) {
                            throw new LaunchFileException(source, nm.keyLines().getOrDefault("name", n.line()), "name",
                                    "node name '" + n.name() + "' is used twice"
                                            + (copies > 1 ? " (give repeated nodes $(i) in their name)" : ""));
                        }
                        nodes.add(n);
                    }
                }
                default -> throw new LaunchFileException(source, entry.keyLines().get(what), what,
                        "unknown entry (arg or node)");
            }
        }
        for (String k : overrides.keySet()) {
            if (!values.containsKey(k)) {
                throw new LaunchFileException(source, 0, k, "--arg " + k + " is not an argument of this file (it declares: "
                        + String.join(", ", values.keySet()) + ")");
            }
        }
        if (nodes.isEmpty()) {
            throw new LaunchFileException(source, list.line(), "launch", "no node: entries");
        }
        return new LaunchFile(source, baseDir, List.copyOf(args), List.copyOf(nodes));
    }

    /** {@code index}: the copy number (1-based) inside a repeated node, else null. */
    private record Context(String source, Path baseDir, Map<String, String> args, Integer index) {
    }

    /** The node's {@code repeat} count (1 when absent). */
    private static int repeat(Context ctx, YamlTree.MapValue m) {
        String r = scalar(ctx, m, "repeat", false, true);
        if (r == null) {
            return 1;
        }
        int n;
        try {
            n = Integer.parseInt(r.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > 100) {
            throw new LaunchFileException(ctx.source, m.keyLines().get("repeat"), "repeat", "'" + r + "' is not a count in 1..100");
        }
        return n;
    }

    private static NodeSpec node(Context ctx, YamlTree.MapValue m) {
        allowOnly(ctx, m, NODE_KEYS, "node");
        String name = scalar(ctx, m, "name", true, true);
        if (!NAME.matcher(name).matches()) {
            throw new LaunchFileException(ctx.source, m.keyLines().get("name"), "name",
                    "'" + name + "' is not a valid node name (letters, digits, underscores; a letter first)");
        }
        String kind = scalar(ctx, m, "kind", true, true);
        String ns = scalar(ctx, m, "namespace", false, true);
        String process = scalar(ctx, m, "process", false, true);
        boolean separate;
        if (process == null || process.equals("in-process")) {
            separate = false;
        } else if (process.equals("separate")) {
            separate = true;
        } else {
            throw new LaunchFileException(ctx.source, m.keyLines().get("process"), "process",
                    "'" + process + "' is neither in-process nor separate");
        }
        Duration timeout = Duration.ofSeconds(60);
        String t = scalar(ctx, m, "ready_timeout", false, true);
        if (t != null) {
            double s;
            try {
                s = Double.parseDouble(t);
            } catch (NumberFormatException e) {
                s = -1;
            }
            if (!(s > 0 && s <= 3600)) {
                throw new LaunchFileException(ctx.source, m.keyLines().get("ready_timeout"), "ready_timeout",
                        "'" + t + "' is not a number of seconds in (0, 3600]");
            }
            timeout = Duration.ofMillis(Math.round(s * 1000));
        }
        String readyLine = scalar(ctx, m, "ready_line", false, true);
        if (readyLine != null) {
            try {
                Pattern.compile(readyLine);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new LaunchFileException(ctx.source, m.keyLines().get("ready_line"), "ready_line",
                        "not a regular expression: " + e.getDescription());
            }
        }
        Map<String, NodeParams.Entry> params = new LinkedHashMap<>();
        if (m.entries().containsKey("param")) {
            if (!(m.entries().get("param") instanceof YamlTree.ListValue pl)) {
                throw new LaunchFileException(ctx.source, m.keyLines().get("param"), "param", "must be a list of {name, value}");
            }
            for (YamlTree.Value pv : pl.items()) {
                YamlTree.MapValue p = map(ctx, pv, "param");
                allowOnly(ctx, p, Set.of("name", "value"), "param");
                String pn = scalar(ctx, p, "name", true, false);
                if (params.containsKey(pn)) {
                    throw new LaunchFileException(ctx.source, p.keyLines().get("name"), pn, "parameter given twice in node '" + name + "'");
                }
                if (!p.entries().containsKey("value")) {
                    throw new LaunchFileException(ctx.source, p.line(), pn, "parameter has no value");
                }
                if (p.entries().get("value") instanceof YamlTree.Scalar sv && sv.text() == null) {
                    throw new LaunchFileException(ctx.source, p.keyLines().get("value"), pn,
                            "parameter value is empty (null): give a value, or leave the parameter out for its default");
                }
                params.put(pn, new NodeParams.Entry(scalar(ctx, p, "value", false, true), p.keyLines().get("value")));
            }
        }
        List<String> remaps = new ArrayList<>();
        if (m.entries().containsKey("remap")) {
            if (!(m.entries().get("remap") instanceof YamlTree.ListValue rl)) {
                throw new LaunchFileException(ctx.source, m.keyLines().get("remap"), "remap", "must be a list of {from, to}");
            }
            for (YamlTree.Value rv : rl.items()) {
                YamlTree.MapValue r = map(ctx, rv, "remap");
                allowOnly(ctx, r, Set.of("from", "to"), "remap");
                remaps.add(scalar(ctx, r, "from", true, true) + ":=" + scalar(ctx, r, "to", true, true));
            }
        }
        Path paramFile = null;
        String pf = scalar(ctx, m, "param_file", false, true);
        if (pf != null) {
            Path p = Path.of(pf);
            paramFile = p.isAbsolute() || ctx.baseDir == null ? p : ctx.baseDir.resolve(p).normalize();
        }
        Map<String, Object> ros = null;
        Map<String, Integer> rosLines = new java.util.HashMap<>();
        if (m.entries().containsKey("ros__parameters")) {
            if (!(m.entries().get("ros__parameters") instanceof YamlTree.MapValue rp)) {
                throw new LaunchFileException(ctx.source, m.keyLines().get("ros__parameters"), "ros__parameters", "must be a map");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> converted = (Map<String, Object>) plain(ctx, rp);
            ros = converted;
            rosLines.put("", m.keyLines().get("ros__parameters"));
            lines(rp, "", rosLines);
        }
        if (ros != null && paramFile != null) {
            throw new LaunchFileException(ctx.source, m.keyLines().get("ros__parameters"), "ros__parameters",
                    "give either param_file or ros__parameters, not both");
        }
        String onExit = scalar(ctx, m, "on_exit", false, true);
        if (onExit != null && !onExit.equals("shutdown")) {
            throw new LaunchFileException(ctx.source, m.keyLines().get("on_exit"), "on_exit", "'" + onExit
                    + "' is not an action (only: shutdown)");
        }
        NodeSpec spec = new NodeSpec(name, kind, ns == null ? "/" : ns, separate, timeout, readyLine,
                new NodeParams(ctx.source, ctx.baseDir, m.line(), params), List.copyOf(remaps), paramFile, ros,
                onExit != null, m.line(), Map.copyOf(rosLines));
        NodeKinds.check(spec, m.keyLines());
        return spec;
    }

    /** The inline ROS parameters as a parameter file's text: {@code <node>: ros__parameters: ...}. */
    public static String rosParametersText(NodeSpec spec) {
        try {
            return new ObjectMapper(new YAMLFactory()).writeValueAsString(Map.of(spec.name(), Map.of("ros__parameters",
                    spec.rosParameters())));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object plain(Context ctx, YamlTree.Value v) {
        return switch (v) {
            case YamlTree.MapValue mv -> {
                Map<String, Object> out = new LinkedHashMap<>();
                mv.entries().forEach((k, x) -> out.put(k, plain(ctx, x)));
                yield out;
            }
            case YamlTree.ListValue lv -> lv.items().stream().map(x -> plain(ctx, x)).toList();
            case YamlTree.Scalar s -> typed(s.token(), s.text() == null ? null : substitute(ctx, s.text(), s.line(), null));
        };
    }

    /** The line of every key and list item under {@code v}, by JSON pointer relative to it. */
    private static void lines(YamlTree.Value v, String pointer, Map<String, Integer> out) {
        switch (v) {
            case YamlTree.MapValue mv -> mv.entries().forEach((k, x) -> {
                out.put(pointer + "/" + k, mv.keyLines().get(k));
                lines(x, pointer + "/" + k, out);
            });
            case YamlTree.ListValue lv -> {
                for (int i = 0; i < lv.items().size(); i++) {
                    out.put(pointer + "/" + i, lv.items().get(i).line());
                    lines(lv.items().get(i), pointer + "/" + i, out);
                }
            }
            case YamlTree.Scalar sc -> {
            }
        }
    }

    private static Object typed(JsonToken token, String text) {
        if (text == null) {
            return null;
        }
        return switch (token) {
            case VALUE_NUMBER_INT -> Long.parseLong(text);
            case VALUE_NUMBER_FLOAT -> {
                String t = text.toLowerCase(java.util.Locale.ROOT);
                yield t.endsWith(".nan") ? Double.NaN : t.endsWith(".inf")
                        ? (t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY) : Double.parseDouble(text);
            }
            case VALUE_TRUE, VALUE_FALSE -> Boolean.parseBoolean(text);
            default -> {
                try {
                    yield Long.parseLong(text);
                } catch (NumberFormatException e) {
                    try {
                        yield text.matches("[-+]?[0-9.]+([eE][-+]?[0-9]+)?") ? Double.parseDouble(text) : text;
                    } catch (NumberFormatException e2) {
                        yield text;
                    }
                }
            }
        };
    }

    private static YamlTree.MapValue map(Context ctx, YamlTree.Value v, String what) {
        if (v instanceof YamlTree.MapValue m) {
            return m;
        }
        throw new LaunchFileException(ctx.source, v.line(), what, "must be a map");
    }

    private static void allowOnly(Context ctx, YamlTree.MapValue m, Set<String> keys, String what) {
        for (String k : m.entries().keySet()) {
            if (!keys.contains(k)) {
                throw new LaunchFileException(ctx.source, m.keyLines().get(k), k, "unknown key in " + what + " (known: "
                        + String.join(", ", keys.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String scalar(Context ctx, YamlTree.MapValue m, String key, boolean required, boolean substitute) {
        YamlTree.Value v = m.entries().get(key);
        if (v == null || (v instanceof YamlTree.Scalar s && s.text() == null)) {
            if (required) {
                throw new LaunchFileException(ctx.source, m.line(), key, "required");
            }
            return null;
        }
        if (!(v instanceof YamlTree.Scalar s)) {
            throw new LaunchFileException(ctx.source, m.keyLines().get(key), key, "must be a single value");
        }
        return substitute ? substitute(ctx, s.text(), m.keyLines().get(key), key) : s.text();
    }

    private static String substitute(Context ctx, String text, int line, String key) {
        if (!text.contains("$(")) {
            return text;
        }
        Matcher mt = SUBST.matcher(text);
        StringBuilder out = new StringBuilder();
        while (mt.find()) {
            String fn = mt.group(1);
            String rest = mt.group(2).trim();
            String value = switch (fn) {
                case "arg" -> {
                    if (!ctx.args.containsKey(rest)) {
                        throw new LaunchFileException(ctx.source, line, key, "$(arg " + rest + ") names no argument declared above"
                                + (ctx.args.isEmpty() ? "" : " (declared: " + String.join(", ", ctx.args.keySet()) + ")"));
                    }
                    yield ctx.args.get(rest);
                }
                case "env" -> {
                    String[] parts = rest.split("\\s+", 2);
                    String env = System.getenv(parts[0]);
                    if (env == null && parts.length < 2) {
                        throw new LaunchFileException(ctx.source, line, key, "$(env " + parts[0] + ") is not set and has no default");
                    }
                    yield env != null ? env : parts[1];
                }
                case "dirname" -> ctx.baseDir == null ? "." : ctx.baseDir.toString();
                case "i" -> {
                    if (ctx.index == null) {
                        throw new LaunchFileException(ctx.source, line, key, "$(i) is the copy number of a node with repeat:; "
                                + "this node has none");
                    }
                    yield String.valueOf(ctx.index);
                }
                default -> throw new LaunchFileException(ctx.source, line, key, "unknown substitution $(" + fn
                        + ") (known: arg, env, dirname, i)");
            };
            mt.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        mt.appendTail(out);
        return out.toString();
    }
}
