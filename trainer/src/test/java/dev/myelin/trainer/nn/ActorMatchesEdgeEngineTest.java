package dev.myelin.trainer.nn;

import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.policy.model.CubaLif;
import dev.myelin.policy.model.Policy;
import dev.myelin.trainer.kernel.Rounding;
import dev.myelin.trainer.nn.PopSanActor.ActorShape;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** In fp32 the trainer's batched actor forms every sum in the edge engines' order: identical actions. */
class ActorMatchesEdgeEngineTest {

    @Test
    void batchedForwardIsBitIdenticalToTheDenseEngine() {
        ActorShape shape = new ActorShape(17, 6, 10, 10, new int[] {64, 48}, 5, CubaLif.POPSAN);
        Parameters.Builder b = Parameters.builder();
        PopSanActor.declare(b, shape, false);
        Parameters p = b.build();
        PopSanActor.initialize(p, shape, new RandomStream(99));
        Policy policy = Policy.withDefaults(PopSanActor.toPopSan(p, shape), Map.of());
        InferenceEngine dense = InferenceEngines.create("dense", policy);
        int batch = 32;
        PopSanActor actor = new PopSanActor(p, shape, Surrogate.RECTANGULAR, 0.5f, batch, Rounding.FP32);
        SplittableRandom r = new SplittableRandom(4);
        float[][] obs = new float[batch][17];
        for (int k = 0; k < batch; k++) {
            for (int i = 0; i < 17; i++) {
                // within the identity normaliser's clip, so the engine sees the same inputs
                obs[k][i] = (float) Math.max(-2.9, Math.min(2.9, r.nextGaussian()));
            }
            System.arraycopy(obs[k], 0, actor.input(), k * 17, 17);
        }
        actor.forward(batch);
        float[] a = new float[6];
        for (int k = 0; k < batch; k++) {
            dense.act(obs[k], a);
            for (int j = 0; j < 6; j++) {
                assertEquals(a[j], actor.action()[k * 6 + j], "decision " + k + " action " + j);
            }
        }
        assertTrue(actor.lastSpikes() > 0);
    }
}
