package dev.myelin.sim.random;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Declarative domain randomization: for each named task parameter, the distribution its value is
 * drawn from at the start of every episode. Parameters the spec does not name keep their nominal
 * value. Read from YAML:
 *
 * <pre>
 * task: diffdrive-nav            # optional; refused by any other task
 * parameters:
 *   mass:                { dist: uniform, low: 0.8, high: 1.25, relative: true }
 *   wheel_radius:        { dist: normal, mean: 0.033, std: 0.0005 }
 *   motor_time_constant: { dist: loguniform, low: 0.03, high: 0.12 }
 *   lidar_dropout:       { dist: constant, value: 0.02 }
 *   action_latency:      { dist: uniform-int, low: 0, high: 2 }
 *   friction:            { dist: choice, values: [0.0, 0.05, 0.1] }
 * </pre>
 *
 * {@code relative: true} multiplies the sample by the parameter's nominal value. Whether the names
 * exist and the ranges make sense is checked when a task binds the spec ({@link ParameterSet}).
 * Immutable; any thread.
 */
public final class RandomizationSpec {

    /** One parameter's rule. */
    public record Rule(Distribution distribution, boolean relative) {
    }

    private static final RandomizationSpec NONE = new RandomizationSpec("none", null, Map.of());
    private static final Set<String> TOP_KEYS = Set.of("task", "parameters");

    private final String source;
    private final String task;
    private final Map<String, Rule> rules;

    private RandomizationSpec(String source, String task, Map<String, Rule> rules) {
        this.source = source;
        this.task = task;
        this.rules = Collections.unmodifiableMap(new LinkedHashMap<>(rules));
    }

    /** The empty spec: every parameter nominal. */
    public static RandomizationSpec none() {
        return NONE;
    }

    /** A spec built in code; {@code source} names it in error messages. */
    public static RandomizationSpec of(String source, Map<String, Rule> rules) {
        return new RandomizationSpec(source, null, rules);
    }

    /** Reads a YAML file. */
    public static RandomizationSpec load(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Reads a YAML resource next to this class's package root, e.g. {@code reality-gap/pendulum.yaml}. */
    public static Optional<RandomizationSpec> resource(String name) {
        String path = "/dev/myelin/sim/" + name;
        try (InputStream in = RandomizationSpec.class.getResourceAsStream(path)) {
            if (in == null) {
                return Optional.empty();
            }
            return Optional.of(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "resource " + path));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + path, e);
        }
    }

    /**
     * Parses YAML text.
     *
     * @throws IllegalArgumentException naming {@code source} and the offending key when anything is malformed
     */
    public static RandomizationSpec parse(String yaml, String source) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(yaml);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(source + ": not valid YAML: " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new IllegalArgumentException(source + ": empty randomization spec (expected a 'parameters' mapping)");
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(source + ": top level must be a mapping with 'parameters'");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TOP_KEYS.contains(key)) {
                throw new IllegalArgumentException(source + ": unknown top-level key '" + key
                        + "' (expected: task, parameters)");
            }
        }
        String task = null;
        JsonNode taskNode = root.get("task");
        if (taskNode != null) {
            if (!taskNode.isTextual()) {
                throw new IllegalArgumentException(source + ": 'task' must be a task name");
            }
            task = taskNode.asText();
        }
        JsonNode params = root.get("parameters");
        if (params == null || !params.isObject()) {
            throw new IllegalArgumentException(source + ": 'parameters' must be a mapping of parameter name to distribution");
        }
        Map<String, Rule> rules = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            rules.put(e.getKey(), rule(source + ": parameters." + e.getKey(), e.getValue()));
        }
        return new RandomizationSpec(source, task, rules);
    }

    private static Rule rule(String where, JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": expected a mapping like {dist: uniform, low: .., high: ..}");
        }
        JsonNode distNode = node.get("dist");
        if (distNode == null || !distNode.isTextual()) {
            throw new IllegalArgumentException(where + ": missing 'dist' (constant, uniform, uniform-int, loguniform, normal, choice)");
        }
        String dist = distNode.asText();
        List<String> allowed = switch (dist) {
            case "constant" -> List.of("value");
            case "uniform", "uniform-int", "loguniform" -> List.of("low", "high");
            case "normal" -> List.of("mean", "std");
            case "choice" -> List.of("values");
            default -> throw new IllegalArgumentException(where + ".dist: unknown distribution '" + dist
                    + "' (constant, uniform, uniform-int, loguniform, normal, choice)");
        };
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("dist") && !key.equals("relative") && !allowed.contains(key)) {
                throw new IllegalArgumentException(where + ": unexpected key '" + key + "' for dist " + dist
                        + " (expected " + String.join(", ", allowed) + ", relative)");
            }
        }
        boolean relative = false;
        JsonNode rel = node.get("relative");
        if (rel != null) {
            if (!rel.isBoolean()) {
                throw new IllegalArgumentException(where + ".relative: must be true or false");
            }
            relative = rel.booleanValue();
        }
        try {
            Distribution d = switch (dist) {
                case "constant" -> new Distribution.Constant(number(where, node, "value"));
                case "uniform" -> new Distribution.Uniform(number(where, node, "low"), number(where, node, "high"));
                case "uniform-int" -> new Distribution.UniformInt(whole(where, node, "low"), whole(where, node, "high"));
                case "loguniform" -> new Distribution.LogUniform(number(where, node, "low"), number(where, node, "high"));
                case "normal" -> new Distribution.Normal(number(where, node, "mean"), number(where, node, "std"));
                case "choice" -> new Distribution.Choice(numbers(where, node, "values"));
                default -> throw new AssertionError(dist);
            };
            return new Rule(d, relative);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(where)) {
                throw e;
            }
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static double number(String where, JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null) {
            throw new IllegalArgumentException(where + ": missing '" + key + "'");
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException(where + "." + key + ": expected a number, got '" + v.asText() + "'");
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException(where + "." + key + ": must be finite");
        }
        return d;
    }

    private static long whole(String where, JsonNode node, String key) {
        double d = number(where, node, key);
        if (d != Math.rint(d)) {
            throw new IllegalArgumentException(where + "." + key + ": expected a whole number, got " + d);
        }
        return (long) d;
    }

    private static double[] numbers(String where, JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw new IllegalArgumentException(where + ": '" + key + "' must be a non-empty list of numbers");
        }
        List<Double> out = new ArrayList<>();
        for (JsonNode x : v) {
            if (!x.isNumber() || !Double.isFinite(x.doubleValue())) {
                throw new IllegalArgumentException(where + "." + key + ": expected numbers, got '" + x.asText() + "'");
            }
            out.add(x.doubleValue());
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Where the spec came from (file name, resource), for messages. */
    public String source() {
        return source;
    }

    /** The task the spec declares itself for, if any. */
    public Optional<String> task() {
        return Optional.ofNullable(task);
    }

    /** Rules by parameter name, in file order. */
    public Map<String, Rule> rules() {
        return rules;
    }

    /** Whether no parameter is randomized. */
    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** This spec with {@code other}'s rules added; a parameter named by both takes {@code other}'s rule. */
    public RandomizationSpec overriddenBy(RandomizationSpec other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        Map<String, Rule> merged = new LinkedHashMap<>(rules);
        merged.putAll(other.rules);
        String t = other.task != null ? other.task : task;
        return new RandomizationSpec(source + " + " + other.source, t, merged);
    }

    @Override
    public String toString() {
        return "RandomizationSpec[" + source + ", " + rules + "]";
    }
}
