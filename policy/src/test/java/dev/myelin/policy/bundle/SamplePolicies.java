package dev.myelin.policy.bundle;

import dev.myelin.policy.model.Channel;
import dev.myelin.policy.model.Grsn;
import dev.myelin.policy.model.Normalizer;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import dev.myelin.policy.model.SpikingNetwork;
import dev.myelin.policy.model.SpikingTransformer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Small policies of every family with non-trivial channels, statistics and provenance. */
final class SamplePolicies {

    private SamplePolicies() {
    }

    static PopSan popsan(long seed) {
        return PopSan.random(5, 2, 4, new int[] {16, 12}, 5, SpikeMode.DETERMINISTIC, seed);
    }

    static Grsn grsn(long seed) {
        return Grsn.random(5, 2, new int[] {16, 8}, seed);
    }

    static SpikingTransformer transformer(long seed) {
        return SpikingTransformer.random(5, 2, 4, 16, 24, 4, 4, seed);
    }

    static List<Policy> allFamilies(long seed) {
        return List.of(policy(popsan(seed), seed), policy(grsn(seed), seed), policy(transformer(seed), seed));
    }

    /** HalfCheetah-sized PopSAN (17 observations, 6 actions, population 10, hidden 256-256, T = 5). */
    static Policy halfCheetah(long seed) {
        return policy(PopSan.random(17, 6, 10, new int[] {256, 256}, 5, SpikeMode.DETERMINISTIC, seed), seed);
    }

    static Policy policy(SpikingNetwork net, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Channel> obs = new ArrayList<>();
        float[] mean = new float[net.observationSize()];
        float[] var = new float[net.observationSize()];
        for (int i = 0; i < net.observationSize(); i++) {
            obs.add(new Channel("joint" + i + ".velocity", "rad/s", -12.5f - i, 7.25f + 0.1f * i));
            mean[i] = (float) rnd.nextGaussian();
            var[i] = (float) (0.01 + rnd.nextDouble() * 4);
        }
        List<Channel> act = new ArrayList<>();
        for (int j = 0; j < net.actionSize(); j++) {
            act.add(new Channel("motor" + j + ".torque", "N*m", -0.3f * (j + 1), 0.3f * (j + 1)));
        }
        Map<String, Object> trainer = new LinkedHashMap<>();
        trainer.put("algorithm", "td3");
        trainer.put("learning_rate", 1e-4);
        trainer.put("batch_size", 100);
        trainer.put("hidden", List.of(256, 256));
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("task", "HalfCheetah-v4");
        provenance.put("seed", (int) seed);
        provenance.put("trainer", trainer);
        provenance.put("evaluation_returns", List.of(10_512.25, 9_870.125, -3.5e-7));
        provenance.put("deterministic", true);
        provenance.put("notes", null);
        provenance.put("run", "rün-🤖-α");
        return new Policy(net, obs, act, new Normalizer(mean, var, 5f), provenance);
    }
}
