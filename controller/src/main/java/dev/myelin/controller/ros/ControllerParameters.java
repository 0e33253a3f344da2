package dev.myelin.controller.ros;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.myelin.controller.Controller;
import dev.myelin.controller.config.ActionOutput;
import dev.myelin.controller.config.ControllerParams;
import dev.myelin.controller.config.ParamsException;
import dev.myelin.controller.safety.SafetyGate;
import dev.myelin.ros2.param.ParameterDescriptor;
import dev.myelin.ros2.param.ParameterStore;
import dev.myelin.ros2.param.ParameterType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The controller's {@code ros__parameters} as node parameters. Scalars and string lists of the
 * file are parameters under their dotted keys ({@code rate_hz}, {@code safety.estop_topic}); each
 * action channel's limits are {@code actions.<channel>.min}, {@code .max}, {@code .rate_limit} and
 * {@code .safe}. The action limits can change while the loop runs; everything else needs a
 * restart and is read-only. Observation slices are not parameters (lists of maps have no
 * parameter type).
 *
 * <p>A set is validated by writing the proposed values into the parameter file's tree and reading
 * it with {@link ControllerParams#parse} — the file's own rules, with its messages as the reason
 * for a refusal. An accepted set prepares the new {@link SafetyGate.Limits}, which the loop adopts
 * at its next tick.
 */
public final class ControllerParameters {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    private static final String[] LIMITS = {"min", "max", "rate_limit", "safe"};

    private final JsonNode tree;
    private final String nodeName;
    private final Path base;

    private ControllerParameters(JsonNode tree, String nodeName, Path base) {
        this.tree = tree;
        this.nodeName = nodeName;
        this.base = base;
    }

    /**
     * Reads the parameter file text ({@code source} names it in messages, relative paths resolve against {@code base}).
     *
     * @throws ParamsException as {@link ControllerParams#parse} does
     */
    public static ControllerParameters of(String yaml, String source, Path base) {
        ControllerParams.parse(yaml, source, base); // the file itself must be valid first
        try {
            JsonNode root = YAML.readTree(yaml);
            String node = root.fieldNames().next();
            return new ControllerParameters(root, node, base);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ParamsException(source + ": " + e.getOriginalMessage());
        }
    }

    /** A store over these parameters whose sets {@code controller} adopts at tick boundaries. */
    public ParameterStore store(Controller controller) {
        ControllerParams params = ControllerParams.parse(text(tree), "parameter file", base);
        List<ParameterDescriptor> declared = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        JsonNode p = tree.get(nodeName).get("ros__parameters");
        ReadOnlyParameters fixed = ReadOnlyParameters.of(p, "from the parameter file; restart the controller to change it");
        declared.addAll(fixed.declared());
        values.putAll(fixed.values());
        for (ActionOutput a : params.actions()) {
            double[] v = {a.min(), a.max(), a.rateLimit(), a.safe()};
            for (int i = 0; i < LIMITS.length; i++) {
                String name = "actions." + a.channel() + "." + LIMITS[i];
                declared.add(ParameterDescriptor.of(name, ParameterType.DOUBLE, LIMITS[i] + " of action channel "
                        + a.channel() + " (" + a.unit() + (i == 2 ? "/s" : "") + "), applied at the next tick"));
                values.put(name, v[i]);
            }
        }
        double period = controller.params().periodNanos() / 1e9; // the rate the loop runs at, which may differ from the file's
        return ParameterStore.adoptedAtTicks(declared, values,
                proposed -> SafetyGate.Limits.of(validate(proposed).actions(), period), controller::isLooping);
    }

    /**
     * The parameter file with {@code values} written in, read by the controller's parser.
     *
     * @throws ParamsException (an {@link IllegalArgumentException}) naming the key that is wrong
     */
    public ControllerParams validate(Map<String, Object> values) {
        return ControllerParams.parse(text(withValues(values)), "parameter set", base);
    }

    /** The {@code ros__parameters} YAML the controller would load with {@code values}. */
    public String dump(Map<String, Object> values) {
        return text(withValues(values));
    }

    private JsonNode withValues(Map<String, Object> values) {
        JsonNode copy = tree.deepCopy();
        ObjectNode params = (ObjectNode) copy.get(nodeName).get("ros__parameters");
        for (Map.Entry<String, Object> e : values.entrySet()) {
            String[] path = e.getKey().split("\\.");
            if (path[0].equals("actions") && path.length == 3) {
                for (JsonNode a : (ArrayNode) params.get("actions")) {
                    if (path[1].equals(a.path("channel").asText())) {
                        ((ObjectNode) a).set(path[2], YAML.valueToTree(e.getValue()));
                    }
                }
                continue;
            }
            ObjectNode at = params;
            for (int i = 0; i < path.length - 1; i++) {
                at = at.has(path[i]) && at.get(path[i]).isObject() ? (ObjectNode) at.get(path[i]) : at.putObject(path[i]);
            }
            at.set(path[path.length - 1], YAML.valueToTree(e.getValue()));
        }
        return copy;
    }

    private static String text(JsonNode tree) {
        try {
            return YAML.writeValueAsString(tree);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
