package dev.myelin.sim.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.myelin.sim.random.RandomizationSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * A task spec that puts one of Myelin's robot tasks on an MJCF model: {@code --task mjcf:BASE.xml
 * --task-spec SPEC.yaml} where the spec names the task instead of declaring reward terms.
 *
 * <pre>
 * task: nav                 # diffdrive-nav's task on this base (mujoco-nav), or quadruped-walk
 * options:                  # that task's options, as --options gives them
 *   beams: 24
 *   obstacles: 10
 * </pre>
 *
 * The shipped specs {@code nav.yaml} and {@code walk.yaml} (resources next to the shipped models) are
 * found by name, as are the shipped models {@code diffdrive-base.xml} and {@code quadruped.xml}.
 * A spec without {@code task} is a declarative spec for {@code MjcfTask} ({@link #create} returns null).
 */
public final class RobotTaskSpec {
    /** The values {@code task} may take, with the task each creates. */
    public static final Map<String, String> TASKS = Map.of("nav", MujocoNav.NAME, "quadruped-walk", QuadrupedWalk.NAME);

    private RobotTaskSpec() {
    }

    /** The registered task {@code spec} puts on its model ({@code mujoco-nav}, {@code quadruped-walk}), or null. */
    public static String taskOf(String spec) {
        JsonNode root = read(spec);
        if (root == null) {
            return null;
        }
        String task = root.get("task").asText();
        if (!TASKS.containsKey(task)) {
            throw new IllegalArgumentException(spec + ": task must be one of " + String.join(", ", TASKS.keySet().stream().sorted().toList())
                    + ", got '" + task + "'");
        }
        return TASKS.get(task);
    }

    private static JsonNode read(String spec) {
        Path specFile = RobotModels.resolve(spec);
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(specFile));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read task spec " + spec, e);
        }
        return root != null && root.isObject() && root.has("task") ? root : null;
    }

    /**
     * The robot task {@code spec} names on {@code model}, or null when {@code spec} does not name one.
     *
     * @throws IllegalArgumentException naming the spec file and key that is wrong
     */
    public static Task create(String model, String spec, int worlds, RandomizationSpec rand) {
        JsonNode root = read(spec);
        if (root == null) {
            return null;
        }
        Iterator<String> keys = root.fieldNames();
        while (keys.hasNext()) {
            String k = keys.next();
            if (!Set.of("task", "options").contains(k)) {
                throw new IllegalArgumentException(spec + ": '" + k + "' is not a key of a robot task spec (task, options)");
            }
        }
        String task = root.get("task").asText();
        if (!TASKS.containsKey(task)) {
            throw new IllegalArgumentException(spec + ": task must be one of " + String.join(", ", TASKS.keySet().stream().sorted().toList())
                    + ", got '" + task + "'");
        }
        JsonNode options = root.get("options");
        if (options != null && !options.isObject()) {
            throw new IllegalArgumentException(spec + ": options must be a mapping of option: value");
        }
        Path modelFile = RobotModels.resolve(model);
        try {
            if (task.equals("nav")) {
                NavConfig c = new NavConfig();
                if (options != null) {
                    options.fields().forEachRemaining(e -> c.set(e.getKey(), e.getValue().asText()));
                }
                return new MujocoNav(worlds, c, modelFile, rand);
            }
            int steps = 500;
            if (options != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = options.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getKey().equals("max_steps") || !e.getValue().canConvertToInt()) {
                        throw new IllegalArgumentException("options." + e.getKey() + " is not an option of quadruped-walk (max_steps: N)");
                    }
                    steps = e.getValue().asInt();
                }
            }
            return new QuadrupedWalk(worlds, modelFile, steps, rand);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(spec + ": " + e.getMessage(), e);
        }
    }
}
