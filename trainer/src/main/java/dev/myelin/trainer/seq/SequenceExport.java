package dev.myelin.trainer.seq;

import dev.myelin.policy.bundle.BundleFormatException;
import dev.myelin.policy.compress.Precision;
import dev.myelin.policy.model.Policy;
import dev.myelin.sim.Actor;
import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.Env;
import dev.myelin.sim.Tasks;
import dev.myelin.trainer.rl.RunningNormalizer;
import dev.myelin.trainer.run.CheckpointFile;
import dev.myelin.trainer.run.PolicyExport;
import dev.myelin.trainer.run.TrainedPolicy;
import dev.myelin.trainer.run.TrainedRun;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.util.List;
import java.util.Map;

/**
 * Loads a sequence-training run's checkpoint and writes its actor as a policy bundle: the actor's
 * spiking network ({@link SequenceActor#toNetwork()}), the observation statistics, the task's
 * observation and action channels and the run's provenance, optionally signed. The shared actor of a
 * multi-agent run is one bundle that every robot runs on its own observations. Any one thread.
 */
public final class SequenceExport {
    private SequenceExport() {
    }

    /** A run's trained actor as the trainer runs it. */
    public record Trained(SequenceConfig config, SequenceActor actor, RunningNormalizer normalizer, BoxSpace observations,
                          BoxSpace actions, int agentsPerWorld, Map<String, Object> provenance) implements TrainedRun {

        /** The policy a bundle carries (refused for the ANN baselines). */
        @Override
        public Policy toPolicy() {
            return SequencePolicy.toPolicy(actor, observations, actions, normalizer.toNormalizer(), provenance);
        }

        @Override
        public Actor referenceActor() {
            return SequencePolicy.actor(actor, normalizer, actions, agentsPerWorld);
        }

        @Override
        public int agents() {
            return agentsPerWorld;
        }

        /** {@code myelin-<task>-<family>}. */
        @Override
        public String defaultName() {
            return "myelin-" + Tasks.label(config.task) + "-" + config.family;
        }
    }

    /** Loads the checkpoint of the run in {@code runDir}. */
    @SuppressWarnings("unchecked")
    public static Trained load(Path runDir) throws IOException {
        Path file = runDir.resolve(SequenceTrainingRun.CHECKPOINT);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(runDir + " holds no sequence-training checkpoint (" + file + " is missing)");
        }
        return load(file, CheckpointFile.read(file));
    }

    /** Whether checkpoint {@code ck} was written by a sequence run. */
    public static boolean isSequenceCheckpoint(CheckpointFile ck) {
        return SequenceTrainingRun.FORMAT.equals(ck.header().get("format"));
    }

    /** The trained actor of checkpoint {@code ck}, read from {@code file}. */
    @SuppressWarnings("unchecked")
    public static Trained load(Path file, CheckpointFile ck) throws IOException {
        if (!isSequenceCheckpoint(ck)) {
            throw new IOException(file + " is not a sequence-training checkpoint (format " + ck.header().get("format")
                    + "; use ./myelin export for feed-forward runs)");
        }
        Map<String, Object> saved = ck.headerMap("config");
        SequenceConfig config = SequenceConfig.of(saved, List.of());
        BoxSpace os;
        BoxSpace as;
        int perWorld;
        try (Env env = Tasks.env(config.taskSpec())) {
            os = env.observationSpace();
            as = env.actionSpace();
            perWorld = env.agents();
        }
        SequenceActor actor = SequenceActors.create(config.family, os.size(), as.size(), config.actorOptions, config.seed);
        float[] values = ck.floats("actor");
        if (values.length != actor.parameters().size()) {
            throw new IOException(file + ": actor holds " + values.length + " values, the configured " + config.family
                    + " network " + actor.parameters().size());
        }
        System.arraycopy(values, 0, actor.parameters().values(), 0, values.length);
        actor.refreshWeights();
        RunningNormalizer n = new RunningNormalizer(os.size(), config.observationClip, config.normalizeObservations);
        n.restore(ck.doubles("normalizer"));
        Map<String, Object> p = config.provenance("td3-sequence", Map.of("family", config.family));
        p.put("agents_per_world", perWorld);
        p.put("parameter_shared", perWorld > 1);
        p.put("seed", config.seed);
        p.put("env_steps", ck.headerLong("step"));
        p.put("updates", ck.headerLong("updates"));
        config.putCheckpointProvenance(p, ck, CheckpointFile.sha256Hex(file));
        return new Trained(config, actor, n, os, as, perWorld, p);
    }

    /**
     * The trained policy of the run in {@code runDir}, whichever kind of run wrote it: a sequence run's actor or a
     * feed-forward run's ({@link TrainedPolicy}). The checkpoint is read once.
     */
    public static TrainedRun loadAny(Path runDir) throws IOException {
        Path file = runDir.resolve(SequenceTrainingRun.CHECKPOINT);
        CheckpointFile ck = CheckpointFile.read(file);
        return isSequenceCheckpoint(ck) ? load(file, ck) : TrainedPolicy.load(file, ck);
    }

    /**
     * Writes the run's fp32 bundle to {@code out} through {@link PolicyExport}, signed when {@code signingKey} is
     * given, without evaluating it; returns the policy written.
     */
    public static Policy export(Path runDir, Path out, Path signingKey, String name, String version)
            throws IOException, InvalidKeyException, BundleFormatException {
        Trained t = load(runDir);
        PolicyExport.export(new PolicyExport.Request(runDir, out, List.of(Precision.FP32), 0, signingKey, name, version, 0), t);
        return t.toPolicy();
    }
}
