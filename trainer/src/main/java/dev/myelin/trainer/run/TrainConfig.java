package dev.myelin.trainer.run;

import dev.myelin.sim.Tasks;
import dev.myelin.trainer.kernel.Rounding;
import dev.myelin.trainer.nn.Surrogate;
import dev.myelin.trainer.rl.LearnerSettings;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A training run's complete configuration, read from a YAML preset ({@code presets/<name>.yaml} on the
 * class path, or a file) with {@code key=value} overrides ({@code actor.hidden=64,64}) applied on top,
 * then validated in one place ({@link #of}): unknown keys and bad values are refused with a message
 * naming the key. Defaults are PopSAN's TD3 settings (Tang et al. 2020). Immutable; any thread.
 */
public final class TrainConfig extends RunConfig {
    /** Every key with its default; presets and overrides may set any of them and nothing else. */
    static final Map<String, Object> DEFAULTS = defaults();

    public final String algorithm;
    public final int threads;
    public final int[] actorHidden;
    public final int population;
    public final int timesteps;
    public final Surrogate surrogate;
    public final float surrogateWidth;
    public final float actionNoise;
    public final float sacAlpha;
    public final boolean sacAutoAlpha;
    public final Rounding precision;
    public final float lossScaleInitial;
    public final int lossScaleGrowthInterval;
    public final long checkpointEvery;

    private TrainConfig(Settings settings) {
        super(settings, settings.string("observation"));
        algorithm = s.string("algorithm");
        if (!algorithm.equals("td3") && !algorithm.equals("sac")) {
            throw new IllegalArgumentException("algorithm: must be td3 or sac, got '" + algorithm + "'");
        }
        threads = s.positiveInt("threads");
        actorHidden = s.sizes("actor.hidden");
        population = s.positiveInt("actor.population");
        timesteps = s.positiveInt("actor.timesteps");
        surrogate = Surrogate.fromConfigName(s.string("actor.surrogate"));
        surrogateWidth = s.positiveFloat("actor.surrogate_width");
        actionNoise = s.nonNegativeFloat("action_noise");
        sacAlpha = s.nonNegativeFloat("sac.alpha");
        sacAutoAlpha = s.bool("sac.auto_alpha");
        String p = s.string("precision");
        precision = switch (p) {
            case "fp32" -> Rounding.FP32;
            case "fp16" -> Rounding.FP16;
            case "bf16" -> Rounding.BF16;
            default -> throw new IllegalArgumentException("precision: must be fp32, fp16 or bf16, got '" + p + "'");
        };
        lossScaleInitial = s.positiveFloat("loss_scale.initial");
        if (lossScaleInitial < 1f) {
            throw new IllegalArgumentException("loss_scale.initial: must be >= 1, got " + lossScaleInitial);
        }
        lossScaleGrowthInterval = s.positiveInt("loss_scale.growth_interval");
        checkpointEvery = s.positiveLong("checkpoint_every");
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
        return List.of("pendulum", "cartpole-swingup", "diffdrive-nav", "hopper", "halfcheetah", "walker2d", "ant",
                "hopper-sac", "halfcheetah-sac", "walker2d-sac", "ant-sac");
    }

    private static final Set<String> MAP_KEYS = Set.of("task_options");

    /** The YAML text of a shipped preset, or of a file when {@code nameOrFile} ends in .yaml/.yml, flat. */
    public static Map<String, Object> loadPreset(String nameOrFile) throws IOException {
        return Settings.loadPreset(nameOrFile, "/dev/myelin/trainer/presets", presets(), MAP_KEYS);
    }

    /**
     * Validates {@code settings} (flat dotted keys) over the defaults, then {@code overrides} given as
     * {@code key=value} strings over that.
     */
    public static TrainConfig of(Map<String, Object> settings, List<String> overrides) {
        return new TrainConfig(Settings.of(DEFAULTS, settings, overrides, MAP_KEYS));
    }

    /** This configuration with further overrides. */
    public TrainConfig with(List<String> overrides) {
        return of(flat, overrides);
    }

    /** The learner's hyperparameters (PopSAN's SAC reads out its log_std, so no initial one is needed). */
    public LearnerSettings learnerSettings() {
        return new LearnerSettings(batchSize, criticHidden, actorLr, criticLr, gamma, polyak, targetNoise, noiseClip,
                policyDelay, actionNoise, sacAlpha, sacAutoAlpha, 0f, threads, precision, lossScaleInitial,
                lossScaleGrowthInterval);
    }

    @Override
    protected Object ownValue(String key) {
        return key.equals("actor.hidden") ? Settings.toList(actorHidden) : null;
    }

    /** Settings whose change would make a resumed run differ from the saved one, except {@code steps} and schedules. */
    public static final Set<String> RESUMABLE_OVERRIDES = Set.of("steps", "eval_every", "eval_episodes", "checkpoint_every");
}
