package dev.myelin.trainer.seq;

import dev.myelin.sim.Env;
import dev.myelin.sim.Tasks;
import dev.myelin.trainer.nn.PopSanActor;
import dev.myelin.trainer.rl.Learner;
import dev.myelin.trainer.rl.LearnerSettings;
import dev.myelin.trainer.run.RunConfig;
import dev.myelin.trainer.run.Settings;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sequence-training run's configuration: a small YAML preset ({@code pendulum-po}, {@code cartpole-swingup-po},
 * {@code multi-diffdrive} on the class path, or a file) with {@code key=value} overrides on top, validated
 * in one place with errors naming the key. {@code actor} and {@code task_options} are maps: presets nest
 * them, overrides reach into them as {@code actor.hidden=32,32} and {@code task_options.robots=3}; the
 * actor family checks its own options. Immutable; any thread.
 */
public final class SequenceConfig extends RunConfig {
    static final Map<String, Object> DEFAULTS = defaults();
    /** The sequence learners. */
    public static final List<String> ALGORITHMS = List.of("td3", "sac");

    public final String family;
    /** {@code td3} or {@code sac}. */
    public final String algorithm;
    public final Map<String, Object> actorOptions;
    public final int burnIn;
    public final int sequenceLength;
    public final int history;
    public final float noise;
    public final float sacAlpha;
    public final boolean sacAutoAlpha;
    public final float sacLogStd;
    public final int updatesPerPeriod;

    private SequenceConfig(Settings settings) {
        super(settings, settings.string("observation").equals("full") ? "" : settings.string("observation"));
        family = s.oneOf("family", SequenceActors.FAMILIES, "actor family");
        algorithm = s.oneOf("algorithm", ALGORITHMS, "algorithm");
        actorOptions = objectMap("actor");
        burnIn = (int) s.nonNegativeLong("burn_in");
        sequenceLength = s.positiveInt("sequence_length");
        history = s.positiveInt("history");
        noise = s.nonNegativeFloat("noise");
        sacAlpha = s.positiveFloat("sac_alpha");
        sacAutoAlpha = s.bool("sac_auto_alpha");
        sacLogStd = (float) s.number("sac_log_std");
        if (!(sacLogStd >= PopSanActor.LOG_STD_MIN && sacLogStd <= PopSanActor.LOG_STD_MAX)) {
            throw new IllegalArgumentException("sac_log_std: must be in [" + PopSanActor.LOG_STD_MIN + ", "
                    + PopSanActor.LOG_STD_MAX + "], got " + sacLogStd);
        }
        updatesPerPeriod = s.positiveInt("updates_per_period");
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
        d.put("algorithm", "td3");
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
        d.put("sac_alpha", 0.2);
        d.put("sac_auto_alpha", true);
        d.put("sac_log_std", -0.5);
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
        return List.of("pendulum-po", "cartpole-swingup-po", "multi-diffdrive", "hopper-po", "hopper-vo",
                "halfcheetah-po", "halfcheetah-vo", "walker2d-po", "walker2d-vo", "ant-po", "ant-vo");
    }

    private static final Set<String> MAP_KEYS = Set.of("actor", "task_options");

    /** A shipped preset by name, or a {@code .yaml}/{@code .yml} file, as flat settings. */
    public static Map<String, Object> loadPreset(String nameOrFile) throws IOException {
        return Settings.loadPreset(nameOrFile, "/dev/myelin/trainer/seq", presets(), MAP_KEYS);
    }

    /** Validates {@code settings} over the defaults, then {@code key=value} {@code overrides} over that. */
    public static SequenceConfig of(Map<String, Object> settings, List<String> overrides) {
        return new SequenceConfig(Settings.of(DEFAULTS, settings, overrides, MAP_KEYS));
    }

    /** This configuration with further overrides. */
    public SequenceConfig with(List<String> overrides) {
        return of(flat, overrides);
    }

    @Override
    protected Object ownValue(String key) {
        return key.equals("actor") ? new LinkedHashMap<>(actorOptions) : null;
    }

    /** The shape of the windows the learner trains on. */
    public WindowPolicy.Windows windows() {
        return new WindowPolicy.Windows(batchSize, burnIn, sequenceLength, history);
    }

    /** The learner's hyperparameters (one thread, fp32). */
    public LearnerSettings learnerSettings() {
        return LearnerSettings.fp32(batchSize, criticHidden, actorLr, criticLr, gamma, polyak, targetNoise, noiseClip,
                policyDelay, noise, sacAlpha, sacAutoAlpha, sacLogStd);
    }

    /** The configured learner for {@code actor} with {@code agents} agents per world. */
    public Learner<SequenceReplay.Batch> learner(SequenceActor actor, int agents) {
        return switch (algorithm) {
            case "sac" -> WindowPolicy.sac(actor, windows(), learnerSettings(), agents, seed);
            default -> WindowPolicy.td3(actor, SequenceActors.create(family, actor.observationSize(), actor.actionSize(),
                    actorOptions, seed), windows(), learnerSettings(), agents, seed);
        };
    }

    // ---- option maps ----

    @SuppressWarnings("unchecked")
    private Map<String, Object> objectMap(String key) {
        Object v = s.raw(key);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(key + ": expected a mapping of options, got '" + v + "'");
        }
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>((Map<String, Object>) m));
    }
}
