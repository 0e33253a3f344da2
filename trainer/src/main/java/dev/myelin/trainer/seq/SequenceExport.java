package dev.myelin.trainer.seq;

import dev.myelin.policy.bundle.BundleFormatException;
import dev.myelin.policy.bundle.BundleWriter;
import dev.myelin.policy.bundle.SigningKeys;
import dev.myelin.policy.model.Policy;
import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.Env;
import dev.myelin.sim.Tasks;
import dev.myelin.trainer.rl.RunningNormalizer;
import dev.myelin.trainer.run.CheckpointFile;
import dev.myelin.trainer.run.PolicyExport;

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
                          BoxSpace actions, int agentsPerWorld, Map<String, Object> provenance) {

        /** The policy a bundle carries (refused for the ANN baselines). */
        public Policy toPolicy() {
            return SequencePolicy.toPolicy(actor, observations, actions, normalizer.toNormalizer(), provenance);
        }
    }

    /** Loads the checkpoint of the run in {@code runDir}. */
    @SuppressWarnings("unchecked")
    public static Trained load(Path runDir) throws IOException {
        Path file = runDir.resolve(SequenceTrainingRun.CHECKPOINT);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(runDir + " holds no sequence-training checkpoint (" + file + " is missing)");
        }
        CheckpointFile ck = CheckpointFile.read(file);
        if (!SequenceTrainingRun.FORMAT.equals(ck.header().get("format"))) {
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

    /** Writes the run's bundle to {@code out}, signed when {@code signingKey} is given; returns the policy written. */
    public static Policy export(Path runDir, Path out, Path signingKey, String name, String version)
            throws IOException, InvalidKeyException, BundleFormatException {
        Trained t = load(runDir);
        Policy policy = t.toPolicy();
        BundleWriter w = new BundleWriter().setPolicy(policy)
                .optName(name != null ? name : "myelin-" + dev.myelin.sim.Tasks.label(t.config().task) + "-" + t.config().family)
                .optVersion(version != null ? version : "0.1.0");
        PolicyExport.write(w, signingKey == null ? null : SigningKeys.readPrivateKey(signingKey), out);
        return policy;
    }
}
