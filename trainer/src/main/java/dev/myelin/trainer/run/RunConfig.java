package dev.myelin.trainer.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.myelin.sim.Actor;
import dev.myelin.sim.Env;
import dev.myelin.sim.Evaluation;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The settings every off-policy training run shares, feed-forward ({@link TrainConfig}) or sequence
 * ({@code seq.SequenceConfig}): the task, the run's length and seed, the environments, the replay, the twin
 * critics, the TD3/SAC hyperparameters both learners read, the observation normalisation and the evaluation
 * schedule. Each key is read and validated here once, under the same name in both kinds of preset; a subclass
 * reads its own keys and checks how they combine. Immutable; any thread.
 */
public abstract class RunConfig {
    /** The configuration's file in a run folder. */
    public static final String FILE = "config.yaml";
    public final String task;
    public final Map<String, String> taskOptions;
    /** The observation variant as the simulator parses it ("" for full observations). */
    public final String observation;
    public final long steps;
    public final long seed;
    public final int envs;
    public final int envThreads;
    public final int[] criticHidden;
    public final int replaySize;
    public final int batchSize;
    public final float gamma;
    public final float polyak;
    public final float actorLr;
    public final float criticLr;
    public final float targetNoise;
    public final float noiseClip;
    public final int policyDelay;
    public final long startSteps;
    public final long updateAfter;
    public final int updateEvery;
    public final boolean normalizeObservations;
    public final float observationClip;
    public final long evalEvery;
    public final int evalEpisodes;
    protected final Settings s;
    protected final Map<String, Object> flat;

    /** Reads the shared keys of {@code settings}; {@code observation} is the variant as the subclass spells it. */
    protected RunConfig(Settings settings, String observation) {
        this.s = settings;
        this.flat = settings.flat();
        task = s.string("task");
        if (!Tasks.isKnown(task)) {
            throw new IllegalArgumentException("task: unknown task '" + task + "' (known: " + String.join(", ", Tasks.names())
                    + ", mjcf:PATH.xml with task_options.task_spec=SPEC.yaml)");
        }
        taskOptions = Collections.unmodifiableMap(s.options("task_options"));
        this.observation = observation;
        steps = s.positiveLong("steps");
        seed = s.longValue("seed");
        envs = s.positiveInt("envs");
        envThreads = s.positiveInt("env_threads");
        criticHidden = s.sizes("critic.hidden");
        replaySize = s.positiveInt("replay_size");
        batchSize = s.positiveInt("batch_size");
        gamma = s.unitFloat("gamma");
        polyak = s.unitFloat("polyak");
        actorLr = s.positiveFloat("actor_lr");
        criticLr = s.positiveFloat("critic_lr");
        targetNoise = s.nonNegativeFloat("target_noise");
        noiseClip = s.nonNegativeFloat("noise_clip");
        policyDelay = s.positiveInt("policy_delay");
        startSteps = s.nonNegativeLong("start_steps");
        updateAfter = s.nonNegativeLong("update_after");
        updateEvery = s.positiveInt("update_every");
        if (updateEvery % envs != 0) {
            throw new IllegalArgumentException("update_every (" + updateEvery + ") must be a multiple of envs (" + envs + ")");
        }
        normalizeObservations = s.bool("normalize_observations");
        observationClip = s.positiveFloat("observation_clip");
        evalEvery = s.positiveLong("eval_every");
        evalEpisodes = s.positiveInt("eval_episodes");
    }

    /** Flat settings (dotted keys), as saved with a run and recorded as provenance. */
    public final Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : flat.entrySet()) {
            Object v = e.getValue();
            Object own = ownValue(e.getKey());
            m.put(e.getKey(), switch (e.getKey()) {
                case "task_options" -> new LinkedHashMap<>(taskOptions);
                case "critic.hidden" -> Settings.toList(criticHidden);
                default -> own != null ? own
                        : v instanceof String || v instanceof Number || v instanceof Boolean ? v : String.valueOf(v);
            });
        }
        return m;
    }

    /** The saved form of one of the subclass's own structured keys, or null to save the value as read. */
    protected abstract Object ownValue(String key);

    /**
     * Makes {@code dir} a new run's folder: refuses one that holds a run's {@code checkpoint} already, creates it
     * and saves this configuration in it ({@link #save}).
     */
    public final void createRun(Path dir, String checkpoint) throws IOException {
        if (Files.exists(dir.resolve(checkpoint))) {
            throw new IllegalArgumentException(dir + " already holds a run; resume it with --resume " + dir
                    + " or choose another --out");
        }
        Files.createDirectories(dir);
        save(dir);
    }

    /** Writes {@link #settings()} to the run folder's {@code config.yaml}, the record of how the run was trained. */
    public final void save(Path dir) throws IOException {
        Files.writeString(dir.resolve(FILE), new ObjectMapper(new YAMLFactory()).writeValueAsString(settings()));
    }

    /**
     * The start of the provenance an exported bundle carries, as every export writes it: the trainer, the
     * algorithm as named, then the task, its options and the observation variant. The caller adds its own
     * entries, then {@link #putCheckpointProvenance}.
     */
    public final Map<String, Object> provenance(String algorithmName, Map<String, Object> afterAlgorithm) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("trainer", "myelin-trainer");
        p.put("algorithm", algorithmName);
        p.putAll(afterAlgorithm);
        p.put("task", task);
        p.put("task_options", new LinkedHashMap<>(taskOptions));
        p.put("observation_variant", observation);
        return p;
    }

    /**
     * The end of an export's provenance: the evaluation recorded with the checkpoint (when there was one), the
     * checkpoint file's SHA-256 and these settings.
     */
    public final void putCheckpointProvenance(Map<String, Object> p, CheckpointFile ck, String checkpointSha256) {
        if (ck.header().get("eval_return") instanceof Number e) {
            p.put("eval_return_at_checkpoint", e.doubleValue());
        }
        p.put("checkpoint_sha256", checkpointSha256);
        p.put("trainer_settings", settings());
    }

    /** The first seed of the evaluation episodes (the same episodes at every evaluation of a run). */
    public final long evaluationSeed() {
        return 7_000_000L + seed * 1000;
    }

    /**
     * Deterministic episodes of {@code policy} (made for the evaluation's environment) on the run's fixed
     * evaluation seeds: the same episodes at every evaluation.
     */
    public final Evaluation.Summary evaluate(Function<Env, Actor> policy, int episodes) {
        try (Env env = Tasks.env(taskSpec())) {
            return Evaluation.run(env, policy.apply(env), episodes, evaluationSeed());
        }
    }

    /** The task as the simulator sees it. */
    public final TaskSpec taskSpec() {
        TaskSpec t = TaskSpec.of(task).withObservation(observation);
        for (Map.Entry<String, String> e : taskOptions.entrySet()) {
            t = t.withOption(e.getKey(), e.getValue());
        }
        return t;
    }
}
