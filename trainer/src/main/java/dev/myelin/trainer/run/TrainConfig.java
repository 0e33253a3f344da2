package dev.myelin.trainer.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.trainer.kernel.Rounding;
import dev.myelin.trainer.nn.Surrogate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A training run's complete configuration, read from a YAML preset ({@code presets/<name>.yaml} on the
 * class path, or a file) with {@code key=value} overrides ({@code actor.hidden=64,64}) applied on top,
 * then validated in one place ({@link #of}): unknown keys and bad values are refused with a message
 * naming the key. Defaults are PopSAN's TD3 settings (Tang et al. 2020). Immutable; any thread.
 */
public final class TrainConfig {
    /** Every key with its default; presets and overrides may set any of them and nothing else. */
    static final Map<String, Object> DEFAULTS = defaults();

    public final String task;
    public final Map<String, String> taskOptions;
    public final String observation;
    public final String algorithm;
    public final long steps;
    public final long seed;
    public final int envs;
    public final int envThreads;
    public final int threads;
    public final int[] actorHidden;
    public final int population;
    public final int timesteps;
    public final Surrogate surrogate;
    public final float surrogateWidth;
    public final int[] criticHidden;
    public final int replaySize;
    public final int batchSize;
    public final float gamma;
    public final float polyak;
    public final float actorLr;
    public final float criticLr;
    public final long startSteps;
    public final long updateAfter;
    public final int updateEvery;
    public final float actionNoise;
    public final float targetNoise;
    public final float noiseClip;
    public final int policyDelay;
    public final float sacAlpha;
    public final boolean sacAutoAlpha;
    public final Rounding precision;
    public final float lossScaleInitial;
    public final int lossScaleGrowthInterval;
    public final boolean normalizeObservations;
    public final float observationClip;
    public final long evalEvery;
    public final int evalEpisodes;
    public final long checkpointEvery;
    private final Map<String, Object> flat;

    private TrainConfig(Map<String, Object> flat) {
        this.flat = flat;
        task = string("task");
        if (!Tasks.names().contains(task)) {
            throw new IllegalArgumentException("task: unknown task '" + task + "' (known: " + String.join(", ", Tasks.names()) + ")");
        }
        taskOptions = options("task_options");
        observation = string("observation");
        algorithm = string("algorithm");
        if (!algorithm.equals("td3") && !algorithm.equals("sac")) {
            throw new IllegalArgumentException("algorithm: must be td3 or sac, got '" + algorithm + "'");
        }
        steps = positiveLong("steps");
        seed = longValue("seed");
        envs = positiveInt("envs");
        envThreads = positiveInt("env_threads");
        threads = positiveInt("threads");
        actorHidden = sizes("actor.hidden");
        population = positiveInt("actor.population");
        timesteps = positiveInt("actor.timesteps");
        surrogate = Surrogate.fromConfigName(string("actor.surrogate"));
        surrogateWidth = positiveFloat("actor.surrogate_width");
        criticHidden = sizes("critic.hidden");
        replaySize = positiveInt("replay_size");
        batchSize = positiveInt("batch_size");
        gamma = unitFloat("gamma");
        polyak = unitFloat("polyak");
        actorLr = positiveFloat("actor_lr");
        criticLr = positiveFloat("critic_lr");
        startSteps = nonNegativeLong("start_steps");
        updateAfter = nonNegativeLong("update_after");
        updateEvery = positiveInt("update_every");
        actionNoise = nonNegativeFloat("action_noise");
        targetNoise = nonNegativeFloat("target_noise");
        noiseClip = nonNegativeFloat("noise_clip");
        policyDelay = positiveInt("policy_delay");
        sacAlpha = nonNegativeFloat("sac.alpha");
        sacAutoAlpha = bool("sac.auto_alpha");
        String p = string("precision");
        precision = switch (p) {
            case "fp32" -> Rounding.FP32;
            case "fp16" -> Rounding.FP16;
            case "bf16" -> Rounding.BF16;
            default -> throw new IllegalArgumentException("precision: must be fp32, fp16 or bf16, got '" + p + "'");
        };
        lossScaleInitial = positiveFloat("loss_scale.initial");
        if (lossScaleInitial < 1f) {
            throw new IllegalArgumentException("loss_scale.initial: must be >= 1, got " + lossScaleInitial);
        }
        lossScaleGrowthInterval = positiveInt("loss_scale.growth_interval");
        normalizeObservations = bool("normalize_observations");
        observationClip = positiveFloat("observation_clip");
        evalEvery = positiveLong("eval_every");
        evalEpisodes = positiveInt("eval_episodes");
        checkpointEvery = positiveLong("checkpoint_every");
        if (checkpointEvery % updateEvery != 0) {
            throw new IllegalArgumentException("checkpoint_every (" + checkpointEvery + ") must be a multiple of update_every ("
                    + updateEvery + "): checkpoints are taken between update phases");
        }
        if (batchSize > replaySize) {
            throw new IllegalArgumentException("batch_size (" + batchSize + ") exceeds replay_size (" + replaySize + ")");
        }
        // validates task options and the observation variant now, before any work starts
        Tasks.env(taskSpec()).close();
    }

    private static Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("task", "pendulum");
        d.put("task_options", new LinkedHashMap<String, Object>());
        d.put("observation", "");
        d.put("algorithm", "td3");
        d.put("steps", 1_000_000L);
        d.put("seed", 0L);
        d.put("envs", 1);
        d.put("env_threads", 1);
        d.put("threads", 1);
        d.put("actor.hidden", List.of(256, 256));
        d.put("actor.population", 10);
        d.put("actor.timesteps", 5);
        d.put("actor.surrogate", "rectangular");
        d.put("actor.surrogate_width", 0.5);
        d.put("critic.hidden", List.of(256, 256));
        d.put("replay_size", 1_000_000);
        d.put("batch_size", 100);
        d.put("gamma", 0.99);
        d.put("polyak", 0.995);
        d.put("actor_lr", 1e-4);
        d.put("critic_lr", 1e-3);
        d.put("start_steps", 10_000L);
        d.put("update_after", 1_000L);
        d.put("update_every", 50);
        d.put("action_noise", 0.1);
        d.put("target_noise", 0.2);
        d.put("noise_clip", 0.5);
        d.put("policy_delay", 2);
        d.put("sac.alpha", 0.2);
        d.put("sac.auto_alpha", false);
        d.put("precision", "fp32");
        d.put("loss_scale.initial", 65536.0);
        d.put("loss_scale.growth_interval", 2000);
        d.put("normalize_observations", true);
        d.put("observation_clip", 3.0);
        d.put("eval_every", 5_000L);
        d.put("eval_episodes", 10);
        d.put("checkpoint_every", 5_000L);
        return d;
    }

    /** Names of the presets shipped with the trainer. */
    public static List<String> presets() {
        return List.of("pendulum", "cartpole-swingup", "diffdrive-nav");
    }

    /** The YAML text of a shipped preset, or of a file when {@code nameOrFile} ends in .yaml/.yml. */
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
        InputStream in = TrainConfig.class.getResourceAsStream("/dev/myelin/trainer/presets/" + nameOrFile + ".yaml");
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

    /** Nested maps become dotted keys, except {@code task_options}, whose value stays a map. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> flatten(Map<String, Object> nested) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : nested.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m && !e.getKey().equals("task_options")) {
                for (Map.Entry<String, Object> inner : flatten((Map<String, Object>) m).entrySet()) {
                    out.put(e.getKey() + "." + inner.getKey(), inner.getValue());
                }
            } else {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /**
     * Validates {@code settings} (flat dotted keys) over the defaults, then {@code overrides} given as
     * {@code key=value} strings over that.
     */
    public static TrainConfig of(Map<String, Object> settings, List<String> overrides) {
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
            if (key.startsWith("task_options.")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> opts = new LinkedHashMap<>((Map<String, Object>) flat.get("task_options"));
                opts.put(key.substring("task_options.".length()), value);
                flat.put("task_options", opts);
                continue;
            }
            requireKnown(key);
            flat.put(key, value);
        }
        return new TrainConfig(flat);
    }

    private static void requireKnown(String key) {
        if (!DEFAULTS.containsKey(key)) {
            throw new IllegalArgumentException("unknown setting '" + key + "' (known: " + String.join(", ", new TreeSet<>(DEFAULTS.keySet())) + ")");
        }
    }

    /** This configuration with further overrides. */
    public TrainConfig with(List<String> overrides) {
        return of(flat, overrides);
    }

    /** Flat settings (dotted keys), as saved with a run and recorded as provenance. */
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : flat.entrySet()) {
            m.put(e.getKey(), normalizedValue(e.getKey()));
        }
        return m;
    }

    private Object normalizedValue(String key) {
        return switch (key) {
            case "task_options" -> new LinkedHashMap<>(taskOptions);
            case "actor.hidden" -> toList(actorHidden);
            case "critic.hidden" -> toList(criticHidden);
            default -> flat.get(key) instanceof String || flat.get(key) instanceof Number || flat.get(key) instanceof Boolean
                    ? flat.get(key) : String.valueOf(flat.get(key));
        };
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

    /** Settings whose change would make a resumed run differ from the saved one, except {@code steps} and schedules. */
    public static final Set<String> RESUMABLE_OVERRIDES = Set.of("steps", "eval_every", "eval_episodes", "checkpoint_every");

    // ---- typed access with messages naming the key ----

    private Object raw(String key) {
        return flat.get(key);
    }

    private String string(String key) {
        Object v = raw(key);
        if (v == null) {
            return "";
        }
        if (v instanceof Map || v instanceof List) {
            throw new IllegalArgumentException(key + ": expected a string, got " + v);
        }
        return String.valueOf(v).trim();
    }

    private double number(String key) {
        Object v = raw(key);
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
            throw new IllegalArgumentException(key + ": expected a whole number, got " + raw(key));
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
            throw new IllegalArgumentException(key + ": must be positive and finite, got " + raw(key));
        }
        return (float) d;
    }

    private float nonNegativeFloat(String key) {
        double d = number(key);
        if (!(d >= 0) || Double.isInfinite(d)) {
            throw new IllegalArgumentException(key + ": must be >= 0 and finite, got " + raw(key));
        }
        return (float) d;
    }

    private float unitFloat(String key) {
        double d = number(key);
        if (!(d >= 0 && d <= 1)) {
            throw new IllegalArgumentException(key + ": must be in [0, 1], got " + raw(key));
        }
        return (float) d;
    }

    private boolean bool(String key) {
        Object v = raw(key);
        if (v instanceof Boolean b) {
            return b;
        }
        String s = string(key).toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException(key + ": expected true or false, got '" + v + "'");
        };
    }

    private int[] sizes(String key) {
        Object v = raw(key);
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
    private Map<String, String> options(String key) {
        Object v = raw(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                out.put(e.getKey(), String.valueOf(e.getValue()));
            }
            return out;
        }
        String s = string(key);
        if (s.isEmpty()) {
            return out;
        }
        for (String item : s.split(",")) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(key + ": option '" + item + "' is not key=value");
            }
            out.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        return out;
    }
}
