package dev.myelin.trainer.run;

import dev.myelin.policy.model.Channel;
import dev.myelin.policy.model.Policy;
import dev.myelin.sim.Actor;
import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.Env;
import dev.myelin.sim.Tasks;
import dev.myelin.trainer.kernel.Rounding;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.PopSanActor;
import dev.myelin.trainer.nn.PopSanActor.ActorShape;
import dev.myelin.trainer.rl.RunningNormalizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The policy a training run's checkpoint holds, as the trainer runs it: observation normalisation with
 * the saved statistics, the spiking actor's fp32 forward pass, and the mapping of {@code tanh} onto each
 * action channel's range; and as the policy module describes it ({@link #toPolicy()}), which is what an
 * export writes. Loading verifies the checkpoint. The actor is single-threaded.
 */
public final class TrainedPolicy implements TrainedRun {
    private final TrainConfig config;
    private final ActorShape shape;
    private final Parameters params;
    private final RunningNormalizer normalizer;
    private final BoxSpace observationSpace;
    private final BoxSpace actionSpace;
    private final int agents;
    private final Map<String, Object> provenance;

    private TrainedPolicy(TrainConfig config, CheckpointFile ck, String digest) throws IOException {
        this.config = config;
        try (Env env = Tasks.env(config.taskSpec())) {
            observationSpace = env.observationSpace();
            actionSpace = env.actionSpace();
            agents = env.agents();
        }
        int obs = observationSpace.size();
        int act = actionSpace.size();
        shape = new ActorShape(obs, act, config.population, config.population, config.actorHidden, config.timesteps,
                dev.myelin.policy.model.CubaLif.POPSAN);
        Parameters.Builder b = Parameters.builder();
        PopSanActor.declare(b, shape, config.algorithm.equals("sac"));
        params = b.build();
        float[] saved = ck.floats("float.actor");
        if (saved.length != params.size()) {
            throw new IOException("checkpoint actor holds " + saved.length + " values, the configured network "
                    + params.size());
        }
        System.arraycopy(saved, 0, params.values(), 0, saved.length);
        normalizer = new RunningNormalizer(obs, config.observationClip, config.normalizeObservations);
        normalizer.restore(ck.doubles("normalizer"));

        Map<String, Object> p = config.provenance(config.algorithm, Map.of());
        p.put("seed", config.seed);
        long step = ck.headerLong("step");
        int ranks = ck.headerInt("ranks");
        p.put("steps_per_rank", step);
        p.put("ranks", ranks);
        p.put("total_env_steps", step * ranks);
        p.put("updates", ck.longs("count.updates")[0]);
        p.put("training_precision", config.precision.name().toLowerCase(java.util.Locale.ROOT));
        config.putCheckpointProvenance(p, ck, digest);
        provenance = p;
    }

    /** Loads the latest checkpoint of the run in {@code runDir}. */
    @SuppressWarnings("unchecked")
    public static TrainedPolicy load(Path runDir) throws IOException {
        Path file = runDir.resolve(TrainingRun.CHECKPOINT);
        return load(file, CheckpointFile.read(file));
    }

    /** The policy of checkpoint {@code ck}, read from {@code file}. */
    @SuppressWarnings("unchecked")
    public static TrainedPolicy load(Path file, CheckpointFile ck) throws IOException {
        Map<String, Object> saved = ck.headerMap("config");
        if (saved == null) {
            throw new IOException(file + ": checkpoint has no configuration");
        }
        return new TrainedPolicy(TrainConfig.of(saved, List.of()), ck, CheckpointFile.sha256Hex(file));
    }

    @Override
    public TrainConfig config() {
        return config;
    }

    public ActorShape shape() {
        return shape;
    }

    public Parameters parameters() {
        return params;
    }

    @Override
    public Policy toPolicy() {
        return new Policy(PopSanActor.toPopSan(params, shape), channels(observationSpace, false),
                channels(actionSpace, true), normalizer.toNormalizer(), provenance);
    }

    /**
     * The policy module's channels for a task space: names, units and ranges (actions need finite ranges;
     * unbounded observation channels are recorded as the float range).
     */
    public static List<Channel> channels(BoxSpace space, boolean actions) {
        List<Channel> out = new ArrayList<>();
        for (int i = 0; i < space.size(); i++) {
            float lo = space.low(i);
            float hi = space.high(i);
            if (actions && !(Float.isFinite(lo) && Float.isFinite(hi) && lo < hi)) {
                throw new IllegalArgumentException("action " + space.name(i) + " needs a finite range");
            }
            // Observation channels document the sensor range; unbounded ones are recorded as the float range.
            lo = Float.isFinite(lo) ? lo : -Float.MAX_VALUE;
            hi = Float.isFinite(hi) ? hi : Float.MAX_VALUE;
            if (!(lo < hi)) {
                hi = Math.nextUp(lo);
            }
            out.add(new Channel(space.name(i), space.unit(i), lo, hi));
        }
        return out;
    }

    /**
     * Each action channel's centre and half range, so that {@code center + half u} maps a policy's
     * {@code u} in [-1, 1] onto the channel (what every trainer-side actor and every run sends to its
     * environments); refuses a channel without a finite range.
     */
    public static void actionRanges(BoxSpace space, float[] center, float[] half) {
        for (int j = 0; j < space.size(); j++) {
            float lo = space.low(j);
            float hi = space.high(j);
            if (!Float.isFinite(lo) || !Float.isFinite(hi) || !(lo < hi)) {
                throw new IllegalArgumentException("action " + space.name(j) + " needs a finite range, has [" + lo + ", "
                        + hi + "]");
            }
            Channel c = new Channel(space.name(j), space.unit(j), lo, hi);
            center[j] = c.center();
            half[j] = c.halfRange();
        }
    }

    @Override
    public Actor referenceActor() {
        int obs = shape.observationSize();
        int act = shape.actionSize();
        PopSanActor net = new PopSanActor(params, shape, config.surrogate, config.surrogateWidth, Math.max(1, agents),
                Rounding.FP32);
        float[] center = new float[act];
        float[] half = new float[act];
        actionRanges(actionSpace, center, half);
        return (observation, action) -> {
            int n = observation.length / obs;
            for (int a = 0; a < n; a++) {
                normalizer.normalize(observation, a * obs, net.input(), a * obs);
            }
            net.forward(n);
            float[] u = net.action();
            for (int a = 0; a < n; a++) {
                for (int j = 0; j < act; j++) {
                    action[a * act + j] = center[j] + half[j] * u[a * act + j];
                }
            }
        };
    }

    @Override
    public int agents() {
        return agents;
    }

    /** {@code myelin-<task>}. */
    @Override
    public String defaultName() {
        return "myelin-" + Tasks.label(config.task);
    }
}
