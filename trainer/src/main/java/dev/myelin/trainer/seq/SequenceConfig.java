package dev.myelin.trainer.seq;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.myelin.sim.Env;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A sequence-training run's configuration: a small YAML preset ({@code pendulum-po}, {@code cartpole-swingup-po},
 * {@code multi-diffdrive} on the class path, or a file) with {@code key=value} overrides on top, validated
 * in one place with errors naming the key. {@code actor} and {@code task_options} are maps: presets nest
 * them, overrides reach into them as {@code actor.hidden=32,32} and {@code task_options.robots=3}; the
 * actor family checks its own options. Immutable; any thread.
 */
public final class SequenceConfig {
    static final Map<String, Object> DEFAULTS = defaults();

    public final String task;
    public final Map<String, String> taskOptions;
    /** The observation variant as the simulator parses it ("" for full observations). */
    public final String observation;
    public final String family;
    public final Map<String, Object> actorOptions;
    public final int[] criticHidden;
    public final long steps;
    public final long seed;
    public final int envs;
    public final int envThreads;
    public final int burnIn;
    public final int sequenceLength;
    public final int history;
    public final int batchSize;
    public final int replaySize;
    public final float actorLr;
    public final float criticLr;
    public final float gamma;
    public final float polyak;
    public final float noise;
    public final float targetNoise;
    public final float noiseClip;
    public final int policyDelay;
    public final long startSteps;
    public final long updateAfter;
    public final int updateEvery;
    public final int updatesPerPeriod;
    public final long evalEvery;
    public final int evalEpisodes;
    public final boolean normalizeObservations;
    public final float observationClip;
    private final Map<String, Object> flat;

    private SequenceConfig(Map<String, Object> flat) {
        this.flat = flat;
        task = string("task");
        if (!Tasks.names().contains(task)) {
            throw new IllegalArgumentException("task: unknown task '" + task + "' (known: " + String.join(", ", Tasks.names()) + ")");
        }
        taskOptions = stringMap("task_options");
        String o = string("observation");
        observation = o.equals("full") ? "" : o;
        family = string("family");
        if (!SequenceActors.FAMILIES.contains(family)) {
            throw new IllegalArgumentException("family: unknown actor family '" + family + "' (known: "
                    + String.join(", ", SequenceActors.FAMILIES) + ")");
        }
        actorOptions = objectMap("actor");
        criticHidden = sizes("critic.hidden");
        steps = positiveLong("steps");
        seed = longValue("seed");
        envs = positiveInt("envs");
        envThreads = positiveInt("env_threads");
        burnIn = (int) nonNegativeLong("burn_in");
        sequenceLength = positiveInt("sequence_length");
        history = positiveInt("history");
        batchSize = positiveInt("batch_size");
        replaySize = positiveInt("replay_size");
        actorLr = positiveFloat("actor_lr");
        criticLr = positiveFloat("critic_lr");
        gamma = unitFloat("gamma");
        polyak = unitFloat("polyak");
        noise = nonNegativeFloat("noise");
        targetNoise = nonNegativeFloat("target_noise");
        noiseClip = nonNegativeFloat("noise_clip");
        policyDelay = positiveInt("policy_delay");
        startSteps = nonNegativeLong("start_steps");
        updateAfter = nonNegativeLong("update_after");
        updateEvery = positiveInt("update_every");
        updatesPerPeriod = positiveInt("updates_per_period");
        evalEvery = positiveLong("eval_every");
        evalEpisodes = positiveInt("eval_episodes");
        normalizeObservations = bool("normalize_observations");
        observationClip = positiveFloat("observation_clip");
        if (updateEvery % envs != 0) {
            throw new IllegalArgumentException("update_every (" + updateEvery + ") must be a multiple of envs (" + envs + ")");
        }
        if (evalEvery % updateEvery != 0) {
            throw new IllegalArgumentException("eval_every (" + evalEvery + ") must be a multiple of update_every (" + updateEvery + ")");
        }
        if (replaySize / envs < burnIn + sequenceLength + 1) {
            throw new IllegalArgumentException("replay_size (" + replaySize + ") keeps fewer than burn_in + sequence_length + 1 steps per env");
        }
        if (burnIn + sequenceLength > 4096) {
            throw new IllegalArgumentException("burn_in + sequence_length must be at most 4096, got " + (burnIn + sequenceLength));
        }
        // the task options and observation variant are checked now, before any work starts
        try (Env env = Tasks.env(taskSpec())) {
            if (env.agents() < 1) {
                throw new IllegalStateException("task " + task + " has no agents");
            }
        }
    }

    private static Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("task", "pendulum");
        d.put("task_options", new LinkedHashMap<String, Object>());
        d.put("observation", "full");
        d.put("family", "mlp");
        d.put("actor", new LinkedHashMap<String, Object>());
        d.put("critic.hidden", List.of(64, 64));
        d.put("steps", 20_000L);
        d.put("seed", 0L);
        d.put("envs", 4);
        d.put("env_threads", 1);
        d.put("burn_in", 8);
        d.put("sequence_length", 16);
        d.put("history", 4);
        d.put("batch_size", 8);
        d.put("replay_size", 200_000);
        d.put("actor_lr", 1e-3);
        d.put("critic_lr", 1e-3);
        d.put("gamma", 0.99);
        d.put("polyak", 0.995);
        d.put("noise", 0.1);
        d.put("target_noise", 0.2);
        d.put("noise_clip", 0.5);
        d.put("policy_delay", 2);
        d.put("start_steps", 2_000L);
        d.put("update_after", 1_000L);
        d.put("update_every", 64);
        d.put("updates_per_period", 64);
        d.put("eval_every", 2_048L);
        d.put("eval_episodes", 5);
        d.put("normalize_observations", true);
        d.put("observation_clip", 3.0);
        return d;
    }

    /** The presets shipped with the trainer. */
    public static List<String> presets() {
        return List.of("pendulum-po", "cartpole-swingup-po", "multi-diffdrive");
    }

    /** A shipped preset by name, or a {@code .yaml}/{@code .yml} file, as flat settings. */
    public static Map<String, Object> loadPreset(String nameOrFile) throws IOException {
        if (nameOrFile.endsWith(".yaml") || nameOrFile.endsWith(".yml")) {
            Path f = Path.of(nameOrFile);
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("preset file " + f + " does not exist");
            }
            try (InputStream in = Files.newInputStream(f)) {
                return flatten(parse(in, f.toString()));
            }
        }
        InputStream in = SequenceConfig.class.getResourceAsStream("/dev/myelin/trainer/seq/" + nameOrFile + ".yaml");
        if (in == null) {
            throw new IllegalArgumentException("unknown preset '" + nameOrFile + "' (known: " + String.join(", ", presets())
                    + "; or give a .yaml file)");
        }
        try (in) {
            return flatten(parse(in, "preset " + nameOrFile));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(InputStream in, String source) throws IOException {
        Object o;
        try {
            o = new ObjectMapper(new YAMLFactory()).readValue(in, Object.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": not valid YAML: " + e.getMessage(), e);
        }
        if (o == null) {
            return new LinkedHashMap<>();
        }
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException(source + ": expected a mapping of settings at the top level");
        }
        return (Map<String, Object>) o;
    }

    /** Nested maps become dotted keys, except {@code actor} and {@code task_options}, which stay maps. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> flatten(Map<String, Object> nested) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : nested.entrySet()) {
            boolean keep = e.getKey().equals("actor") || e.getKey().equals("task_options");
            if (e.getValue() instanceof Map<?, ?> m && !keep) {
                for (Map.Entry<String, Object> inner : flatten((Map<String, Object>) m).entrySet()) {
                    out.put(e.getKey() + "." + inner.getKey(), inner.getValue());
                }
            } else {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** Validates {@code settings} over the defaults, then {@code key=value} {@code overrides} over that. */
    @SuppressWarnings("unchecked")
    public static SequenceConfig of(Map<String, Object> settings, List<String> overrides) {
        Map<String, Object> flat = new LinkedHashMap<>(DEFAULTS);
        for (Map.Entry<String, Object> e : settings.entrySet()) {
            requireKnown(e.getKey());
            flat.put(e.getKey(), e.getValue());
        }
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("override '" + o + "' is not key=value");
            }
            String key = o.substring(0, eq).trim();
            String value = o.substring(eq + 1).trim();
            int dot = key.indexOf('.');
            if (dot > 0 && (key.startsWith("actor.") || key.startsWith("task_options."))) {
                String map = key.substring(0, dot);
                Object current = flat.get(map);
                Map<String, Object> m = current instanceof Map<?, ?> c ? new LinkedHashMap<>((Map<String, Object>) c)
                        : new LinkedHashMap<>();
                m.put(key.substring(dot + 1), value);
                flat.put(map, m);
                continue;
            }
            requireKnown(key);
            flat.put(key, value);
        }
        return new SequenceConfig(flat);
    }

    private static void requireKnown(String key) {
        if (!DEFAULTS.containsKey(key)) {
            throw new IllegalArgumentException("unknown setting '" + key + "' (known: "
                    + String.join(", ", new TreeSet<>(DEFAULTS.keySet())) + "; actor.<option>, task_options.<option>)");
        }
    }

    /** This configuration with further overrides. */
    public SequenceConfig with(List<String> overrides) {
        return of(flat, overrides);
    }

    /** Flat settings as saved with a run (and recorded as provenance). */
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : flat.entrySet()) {
            Object v = e.getValue();
            m.put(e.getKey(), switch (e.getKey()) {
                case "task_options" -> new LinkedHashMap<>(taskOptions);
                case "actor" -> new LinkedHashMap<>(actorOptions);
                case "critic.hidden" -> toList(criticHidden);
                default -> v instanceof String || v instanceof Number || v instanceof Boolean ? v : String.valueOf(v);
            });
        }
        return m;
    }

    private static List<Integer> toList(int[] a) {
        List<Integer> l = new ArrayList<>();
        for (int x : a) {
            l.add(x);
        }
        return l;
    }

    /** The task as the simulator sees it. */
    public TaskSpec taskSpec() {
        TaskSpec s = TaskSpec.of(task).withObservation(observation);
        for (Map.Entry<String, String> e : taskOptions.entrySet()) {
            s = s.withOption(e.getKey(), e.getValue());
        }
        return s;
    }

    /** The learner's hyperparameters. */
    public SequenceTd3.Settings learnerSettings() {
        return new SequenceTd3.Settings(batchSize, burnIn, sequenceLength, history, criticHidden, actorLr, criticLr, gamma,
                polyak, targetNoise, noiseClip, policyDelay);
    }

    // ---- typed access with messages naming the key ----

    private String string(String key) {
        Object v = flat.get(key);
        if (v == null) {
            return "";
        }
        if (v instanceof Map || v instanceof List) {
            throw new IllegalArgumentException(key + ": expected a string, got " + v);
        }
        return String.valueOf(v).trim();
    }

    private double number(String key) {
        Object v = flat.get(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(string(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": expected a number, got '" + v + "'");
        }
    }

    private long longValue(String key) {
        double d = number(key);
        if (d != Math.rint(d) || Math.abs(d) > 9.0e15) {
            throw new IllegalArgumentException(key + ": expected a whole number, got " + flat.get(key));
        }
        return (long) d;
    }

    private long positiveLong(String key) {
        long v = longValue(key);
        if (v < 1) {
            throw new IllegalArgumentException(key + ": must be >= 1, got " + v);
        }
        return v;
    }

    private long nonNegativeLong(String key) {
        long v = longValue(key);
        if (v < 0) {
            throw new IllegalArgumentException(key + ": must be >= 0, got " + v);
        }
        return v;
    }

    private int positiveInt(String key) {
        long v = positiveLong(key);
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + ": " + v + " is too large");
        }
        return (int) v;
    }

    private float positiveFloat(String key) {
        double d = number(key);
        if (!(d > 0) || Double.isInfinite(d)) {
            throw new IllegalArgumentException(key + ": must be positive and finite, got " + flat.get(key));
        }
        return (float) d;
    }

    private float nonNegativeFloat(String key) {
        double d = number(key);
        if (!(d >= 0) || Double.isInfinite(d)) {
            throw new IllegalArgumentException(key + ": must be >= 0 and finite, got " + flat.get(key));
        }
        return (float) d;
    }

    private float unitFloat(String key) {
        double d = number(key);
        if (!(d >= 0 && d <= 1)) {
            throw new IllegalArgumentException(key + ": must be in [0, 1], got " + flat.get(key));
        }
        return (float) d;
    }

    private boolean bool(String key) {
        Object v = flat.get(key);
        if (v instanceof Boolean b) {
            return b;
        }
        return switch (string(key).toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException(key + ": expected true or false, got '" + v + "'");
        };
    }

    private int[] sizes(String key) {
        Object v = flat.get(key);
        List<Object> items = new ArrayList<>();
        if (v instanceof List<?> l) {
            items.addAll(l);
        } else {
            for (String part : string(key).split("[,x ]+")) {
                if (!part.isEmpty()) {
                    items.add(part);
                }
            }
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(key + ": needs at least one layer size");
        }
        int[] out = new int[items.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = Integer.parseInt(String.valueOf(items.get(i)).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": layer size '" + items.get(i) + "' is not a whole number");
            }
            if (out[i] < 1) {
                throw new IllegalArgumentException(key + ": layer sizes must be positive, got " + out[i]);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> objectMap(String key) {
        Object v = flat.get(key);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(key + ": expected a mapping of options, got '" + v + "'");
        }
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>((Map<String, Object>) m));
    }

    private Map<String, String> stringMap(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : objectMap(key).entrySet()) {
            out.put(e.getKey(), String.valueOf(e.getValue()));
        }
        return java.util.Collections.unmodifiableMap(out);
    }
}
