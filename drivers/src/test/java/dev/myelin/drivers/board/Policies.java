package dev.myelin.drivers.board;

import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;

import java.util.Map;
import java.util.SplittableRandom;

/** Random PopSAN policies and observations for tests. */
final class Policies {
    private Policies() {
    }

    static Policy popsan(int obs, int act, int pop, int[] hidden, SpikeMode mode, long seed) {
        return Policy.withDefaults(PopSan.random(obs, act, pop, hidden, 5, mode, seed), Map.of("seed", seed));
    }

    static float[][] observations(int count, int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] o = new float[count][size];
        for (float[] row : o) {
            for (int i = 0; i < size; i++) {
                row[i] = (float) r.nextDouble(-4, 4);
            }
        }
        return o;
    }
}
