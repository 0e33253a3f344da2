package dev.myelin.sim.mujoco;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The declarative task spec that turns any MJCF model with actuators into a task
 * ({@code --task mjcf:robot.xml --task-spec spec.yaml}). Every key is optional except that the
 * observation must name something; names are resolved against the model by {@link MjcfTask}, which
 * refuses missing ones naming the spec key and the name. Unknown keys are refused here, naming the
 * key and the keys allowed. Immutable.
 *
 * <pre>
 * frame_skip: 5                 # physics steps per control period (default 1)
 * max_steps: 1000               # truncation (default 1000)
 * reset_noise: 0.01             # uniform noise on qpos and qvel at reset (default 0)
 * observation:
 *   joint_positions: [hip, knee]          # position coordinates of named joints
 *   joint_velocities: [hip, knee]
 *   sensors: [imu_accel, imu_gyro, foot_touch, front_range]
 *   body_orientation: [torso]             # world quaternion (w, x, y, z) of named bodies
 *   body_velocity: [torso]                # world linear (3) and angular (3) velocity of named bodies
 * action:
 *   actuators: [hip_motor, knee_motor]    # default: every actuator; each scaled from [-1, 1] to its ctrlrange
 * reward:                                 # summed each step
 *   track_velocity: { body: torso, target: [0.5, 0.0], sigma: 0.25, weight: 1.0 }  # w exp(-|v_xy - t|^2 / s^2)
 *   track_heading:  { body: torso, target: 0.0, weight: 0.5 }                      # w cos(yaw - target)
 *   reach_goal:     { body: torso, goal: [3.0, 0.0], radius: 0.3, bonus: 10, weight: 1.0 }  # w (progress / dt)
 *   upright:        { body: torso, weight: 0.5 }                                   # w z_body . z_world
 *   control_cost:   { weight: 0.01 }                                               # -w |a|^2
 *   contact_cost:   { weight: 5.0e-4 }                                             # -w |clip(cfrc_ext, -1, 1)|^2
 *   alive:          { weight: 1.0 }                                                # +w per step
 * termination:
 *   body_height: { body: torso, min: 0.2, max: 2.0 }    # failure outside [min, max] m
 *   tilt:        { body: torso, max_degrees: 60 }        # failure beyond the angle from upright
 *   contact:     { geoms: [torso_geom] }                 # collision when a named geom touches anything
 * </pre>
 */
public record MjcfTaskSpec(Path source, int frameSkip, int maxSteps, double resetNoise,
                           List<String> jointPositions, List<String> jointVelocities, List<String> sensors,
                           List<String> bodyOrientation, List<String> bodyVelocity, List<String> actuators,
                           Map<String, Map<String, Object>> reward, Map<String, Map<String, Object>> termination) {

    static final Set<String> TOP = Set.of("frame_skip", "max_steps", "reset_noise", "observation", "action", "reward",
            "termination");
    static final Set<String> OBSERVATION = Set.of("joint_positions", "joint_velocities", "sensors", "body_orientation",
            "body_velocity");
    static final Map<String, Set<String>> REWARD = Map.of(
            "track_velocity", Set.of("body", "target", "sigma", "weight"),
            "track_heading", Set.of("body", "target", "weight"),
            "reach_goal", Set.of("body", "goal", "radius", "bonus", "weight"),
            "upright", Set.of("body", "weight"),
            "control_cost", Set.of("weight"),
            "contact_cost", Set.of("weight"),
            "alive", Set.of("weight"));
    static final Map<String, Set<String>> TERMINATION = Map.of(
            "body_height", Set.of("body", "min", "max"),
            "tilt", Set.of("body", "max_degrees"),
            "contact", Set.of("geoms"));

    /** Reads and checks the structure of a spec file (names are checked against the model later). */
    @SuppressWarnings("unchecked")
    public static MjcfTaskSpec load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such task spec");
        }
        Object root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), Object.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid YAML: " + e.getMessage(), e);
        }
        String f = file.toString();
        Map<String, Object> top = map(root, f, "(top level)");
        keys(top, TOP, f, "");
        Map<String, Object> obs = map(top.getOrDefault("observation", Map.of()), f, "observation");
        keys(obs, OBSERVATION, f, "observation.");
        Map<String, Object> act = map(top.getOrDefault("action", Map.of()), f, "action");
        keys(act, Set.of("actuators"), f, "action.");
        MjcfTaskSpec spec = new MjcfTaskSpec(file,
                integer(top, "frame_skip", 1, f), integer(top, "max_steps", 1000, f),
                number(top, "reset_noise", 0.0, f, ""),
                names(obs, "joint_positions", f, "observation."), names(obs, "joint_velocities", f, "observation."),
                names(obs, "sensors", f, "observation."), names(obs, "body_orientation", f, "observation."),
                names(obs, "body_velocity", f, "observation."),
                act.containsKey("actuators") ? names(act, "actuators", f, "action.") : null,
                terms(top.getOrDefault("reward", Map.of()), REWARD, f, "reward"),
                terms(top.getOrDefault("termination", Map.of()), TERMINATION, f, "termination"));
        if (spec.frameSkip < 1) {
            throw new IllegalArgumentException(f + ": frame_skip must be >= 1, got " + spec.frameSkip);
        }
        if (spec.maxSteps < 1) {
            throw new IllegalArgumentException(f + ": max_steps must be >= 1, got " + spec.maxSteps);
        }
        if (!(spec.resetNoise >= 0)) {
            throw new IllegalArgumentException(f + ": reset_noise must be >= 0, got " + spec.resetNoise);
        }
        if (spec.jointPositions.isEmpty() && spec.jointVelocities.isEmpty() && spec.sensors.isEmpty()
                && spec.bodyOrientation.isEmpty() && spec.bodyVelocity.isEmpty()) {
            throw new IllegalArgumentException(f + ": observation names nothing (give joint_positions, "
                    + "joint_velocities, sensors, body_orientation or body_velocity)");
        }
        return spec;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String file, String key) {
        if (!(o instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(file + ": " + key + " must be a mapping");
        }
        return (Map<String, Object>) m;
    }

    private static void keys(Map<String, Object> m, Set<String> allowed, String file, String prefix) {
        for (String k : m.keySet()) {
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(file + ": unknown key " + prefix + k + " (allowed: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }

    private static int integer(Map<String, Object> m, String key, int dflt, String file) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Integer i)) {
            throw new IllegalArgumentException(file + ": " + key + " must be a whole number, got " + v);
        }
        return i;
    }

    static double number(Map<String, Object> m, String key, double dflt, String file, String prefix) {
        Object v = m.get(key);
        if (v == null) {
            if (Double.isNaN(dflt)) {
                throw new IllegalArgumentException(file + ": " + prefix + key + " is required");
            }
            return dflt;
        }
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw new IllegalArgumentException(file + ": " + prefix + key + " must be a finite number, got " + v);
        }
        return n.doubleValue();
    }

    static double[] vector(Map<String, Object> m, String key, int size, String file, String prefix) {
        Object v = m.get(key);
        if (!(v instanceof List<?> l) || l.size() != size) {
            throw new IllegalArgumentException(file + ": " + prefix + key + " must be a list of " + size + " numbers, got " + v);
        }
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            if (!(l.get(i) instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                throw new IllegalArgumentException(file + ": " + prefix + key + "[" + i + "] must be a finite number");
            }
            out[i] = n.doubleValue();
        }
        return out;
    }

    static String name(Map<String, Object> m, String key, String file, String prefix) {
        Object v = m.get(key);
        if (!(v instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException(file + ": " + prefix + key + " must name a " + key + ", got " + v);
        }
        return s;
    }

    private static List<String> names(Map<String, Object> m, String key, String file, String prefix) {
        Object v = m.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException(file + ": " + prefix + key + " must be a list of names");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof String s) || s.isBlank()) {
                throw new IllegalArgumentException(file + ": " + prefix + key + "[" + i + "] must be a name");
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    private static Map<String, Map<String, Object>> terms(Object o, Map<String, Set<String>> allowed, String file,
                                                         String section) {
        Map<String, Object> m = map(o, file, section);
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            Set<String> fields = allowed.get(e.getKey());
            if (fields == null) {
                throw new IllegalArgumentException(file + ": unknown key " + section + "." + e.getKey() + " (allowed: "
                        + String.join(", ", new java.util.TreeSet<>(allowed.keySet())) + ")");
            }
            Map<String, Object> t = map(e.getValue() == null ? Map.of() : e.getValue(), file, section + "." + e.getKey());
            keys(t, fields, file, section + "." + e.getKey() + ".");
            out.put(e.getKey(), Map.copyOf(t));
        }
        return out;
    }
}
