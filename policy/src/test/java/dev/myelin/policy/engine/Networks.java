package dev.myelin.policy.engine;

import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.Grsn;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import dev.myelin.policy.model.SpikingTransformer;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Small random policies of every family, for tests. */
final class Networks {
    private Networks() {
    }

    static Policy popsan(long seed) {
        return Policy.withDefaults(PopSan.random(5, 2, 10, new int[] {32, 24}, 5, SpikeMode.DETERMINISTIC, seed), Map.of());
    }

    /** The size of a legged robot's policy: 33 observations, 12 joints, two 64-wide layers. */
    static Policy popsanLegged(long seed) {
        return Policy.withDefaults(PopSan.random(33, 12, 10, new int[] {64, 64}, 5, SpikeMode.DETERMINISTIC, seed), Map.of());
    }

    static Policy popsanPoisson(long seed) {
        return Policy.withDefaults(PopSan.random(4, 3, 8, new int[] {40}, 6, SpikeMode.POISSON, seed), Map.of());
    }

    static Policy grsn(long seed) {
        return Policy.withDefaults(Grsn.random(6, 2, new int[] {48, 32}, seed), Map.of());
    }

    static Policy transformer(long seed) {
        return Policy.withDefaults(SpikingTransformer.random(4, 2, 6, 40, 48, 8, 4, seed), Map.of());
    }

    static List<Policy> allFamilies(long seed) {
        return List.of(popsan(seed), popsanLegged(seed), popsanPoisson(seed), grsn(seed), transformer(seed));
    }

    static float[][] observations(int size, int count, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] obs = new float[count][size];
        for (float[] o : obs) {
            for (int i = 0; i < size; i++) {
                o[i] = (float) (rnd.nextGaussian() * 1.5);
            }
        }
        return obs;
    }
}
