package dev.myelin.controller.ros;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.myelin.ros2.param.ParameterDescriptor;
import dev.myelin.ros2.param.ParameterStore;
import dev.myelin.ros2.param.ParameterType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code ros__parameters} tree as read-only node parameters: nested maps become dotted names
 * ({@code motors.left.pwm_chip}), booleans, integers, doubles, strings and lists of strings keep
 * their types; lists of maps (which have no parameter type) are left out. For nodes whose
 * parameters only take effect at start-up (the robot base, the controller's structural keys).
 */
public record ReadOnlyParameters(List<ParameterDescriptor> declared, Map<String, Object> values) {

    /** Flattens {@code rosParameters} (the map under {@code ros__parameters}); {@code description} goes on every descriptor. */
    public static ReadOnlyParameters of(JsonNode rosParameters, String description) {
        List<ParameterDescriptor> declared = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        rosParameters.fields().forEachRemaining(e -> flatten(e.getKey(), e.getValue(), description, declared, values));
        return new ReadOnlyParameters(List.copyOf(declared), values);
    }

    /**
     * A store over the {@code ros__parameters} of the only node in a parameter file.
     *
     * @throws IllegalArgumentException naming the file when it is not {@code node: ros__parameters: ...}
     */
    public static ParameterStore storeOf(Path file, String description) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        if (root == null || !root.isObject() || root.size() != 1 || !root.elements().next().has("ros__parameters")) {
            throw new IllegalArgumentException(file + ": expected one node name holding 'ros__parameters:'");
        }
        ReadOnlyParameters p = of(root.elements().next().get("ros__parameters"), description);
        return ParameterStore.immediate(p.declared(), p.values(), proposed -> null);
    }

    private static void flatten(String key, JsonNode v, String description, List<ParameterDescriptor> declared,
                                Map<String, Object> values) {
        if (v.isObject()) {
            v.fields().forEachRemaining(e -> flatten(key + "." + e.getKey(), e.getValue(), description, declared, values));
            return;
        }
        Object value;
        ParameterType type;
        if (v.isBoolean()) {
            value = v.booleanValue();
            type = ParameterType.BOOL;
        } else if (v.isIntegralNumber()) {
            value = v.longValue();
            type = ParameterType.INTEGER;
        } else if (v.isNumber()) {
            value = v.doubleValue();
            type = ParameterType.DOUBLE;
        } else if (v.isTextual()) {
            value = v.textValue();
            type = ParameterType.STRING;
        } else if (v.isArray() && allText(v)) {
            List<String> l = new ArrayList<>();
            v.forEach(x -> l.add(x.textValue()));
            value = List.copyOf(l);
            type = ParameterType.STRING_ARRAY;
        } else {
            return;
        }
        declared.add(new ParameterDescriptor(key, type, description, true, null, null, ""));
        values.put(key, value);
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode x : array) {
            if (!x.isTextual()) {
                return false;
            }
        }
        return true;
    }
}
