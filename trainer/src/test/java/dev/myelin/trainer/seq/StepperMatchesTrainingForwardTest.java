package dev.myelin.trainer.seq;

import dev.myelin.trainer.nn.RandomStream;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The known pitfall of recurrent spiking RL code is a state that persists differently at rollout and in
 * training. For every family in the build: a rollout stepper, after a reset at an episode start, produces
 * exactly the actions of the training forward pass over the same sequence from zero state, whatever the
 * lane ran before the reset, and the state carries over from step to step (the stepper is not reset).
 */
class StepperMatchesTrainingForwardTest {
    static final int OBS = 3;
    static final int ACT = 2;
    static final int LANES = 3;
    static final int STEPS = 14;

    @Test
    void everyFamilyStepsAsItTrains() {
        assertTrue(SequenceActors.available("popsan") && SequenceActors.available("mlp"));
        for (String family : SequenceActors.availableFamilies()) {
            check(family);
        }
    }

    private static void check(String family) {
        SequenceActor actor = SequenceActors.create(family, OBS, ACT, Map.of(), 11);
        RandomStream rnd = new RandomStream(family.hashCode());
        int rows = STEPS * LANES;
        float[] o = new float[rows * OBS];
        float[] pa = new float[rows * ACT];
        float[] pr = new float[rows];
        for (int i = 0; i < o.length; i++) {
            o[i] = (float) (1.5 * rnd.nextGaussian());
        }
        for (int i = 0; i < pa.length; i++) {
            pa[i] = rnd.uniform(-1f, 1f);
        }
        for (int i = 0; i < pr.length; i++) {
            pr[i] = rnd.uniform(-2f, 0f);
        }
        // an episode starts with no previous action or reward
        java.util.Arrays.fill(pa, 0, LANES * ACT, 0f);
        java.util.Arrays.fill(pr, 0, LANES, 0f);
        float[] trained = actor.forward(o, pa, pr, LANES, STEPS).clone();
        float[] trainedPre = actor.preSquash().clone();
        for (int i = 0; i < trained.length; i++) {
            assertEquals(Math.tanh(trainedPre[i]), trained[i], 1e-6, family + ": action = tanh(pre-squash output) at " + i);
        }
        backwardFromPreSquashEqualsBackwardThroughTheSquash(actor, trained, rnd, family);
        actor.forward(o, pa, pr, LANES, STEPS);

        SequenceActor.Stepper stepper = actor.stepper(LANES);
        float[] so = new float[LANES * OBS];
        float[] sa = new float[LANES * ACT];
        float[] sr = new float[LANES];
        float[] out = new float[LANES * ACT];
        // an unrelated earlier episode in every lane, then the episode start
        for (int t = 0; t < 5; t++) {
            for (int i = 0; i < so.length; i++) {
                so[i] = (float) rnd.nextGaussian();
            }
            stepper.step(so, sa, sr, out);
        }
        for (int lane = 0; lane < LANES; lane++) {
            stepper.reset(lane);
        }
        for (int t = 0; t < STEPS; t++) {
            System.arraycopy(o, t * LANES * OBS, so, 0, so.length);
            System.arraycopy(pa, t * LANES * ACT, sa, 0, sa.length);
            System.arraycopy(pr, t * LANES, sr, 0, sr.length);
            stepper.step(so, sa, sr, out);
            float[] pre = stepper.lastPreSquash();
            for (int i = 0; i < LANES * ACT; i++) {
                float wantPre = trainedPre[t * LANES * ACT + i];
                assertEquals(wantPre, pre[i], 1e-5f + 1e-5f * Math.abs(wantPre),
                        family + ": pre-squash output, step " + t + " lane " + i / ACT + " action " + i % ACT);
                float want = trained[t * LANES * ACT + i];
                assertEquals(want, out[i], 1e-5f + 1e-5f * Math.abs(want),
                        family + ": step " + t + " lane " + i / ACT + " action " + i % ACT);
                assertTrue(out[i] >= -1f && out[i] <= 1f, family + ": actions are in [-1, 1]");
            }
        }
        if (!family.equals("popsan") && !family.equals("mlp")) {
            // a recurrent or windowed actor's action depends on the past: change step 0 and a later step moves
            float[] o2 = o.clone();
            for (int i = 0; i < LANES * OBS; i++) {
                o2[i] += 2f;
            }
            float[] moved = actor.forward(o2, pa, pr, LANES, STEPS);
            boolean differs = false;
            for (int i = LANES * ACT; i < 3 * LANES * ACT; i++) {
                differs |= moved[i] != trained[i];
            }
            assertTrue(differs, family + ": later actions must depend on earlier observations (state is carried)");
        } else {
            float[] one = actor.forward(java.util.Arrays.copyOfRange(o, (STEPS - 1) * LANES * OBS, rows * OBS),
                    java.util.Arrays.copyOfRange(pa, (STEPS - 1) * LANES * ACT, rows * ACT),
                    java.util.Arrays.copyOfRange(pr, (STEPS - 1) * LANES, rows), LANES, 1);
            for (int i = 0; i < LANES * ACT; i++) {
                assertEquals(trained[(STEPS - 1) * LANES * ACT + i], one[i], 0f, family + " is stateless");
            }
        }
        assertFalse(Double.isNaN(trained[0]));
    }

    /** dL/dz handed to backwardPreSquash gives the parameter gradients of dL/du = (dL/dz) / (1 - u^2) handed to backward. */
    private static void backwardFromPreSquashEqualsBackwardThroughTheSquash(SequenceActor actor, float[] u, RandomStream rnd,
                                                                            String family) {
        float[] gz = new float[u.length];
        float[] gu = new float[u.length];
        for (int i = 0; i < u.length; i++) {
            // saturated outputs pass (almost) no gradient through the squash; leave them out
            gz[i] = Math.abs(u[i]) < 0.99f ? rnd.uniform(-1f, 1f) : 0f;
            gu[i] = gz[i] / (1f - u[i] * u[i]);
        }
        actor.parameters().zeroGradients();
        actor.backwardPreSquash(gz);
        float[] viaPre = actor.parameters().gradients().clone();
        actor.parameters().zeroGradients();
        actor.backward(gu);
        float[] viaAction = actor.parameters().gradients();
        double norm = 0;
        for (int i = 0; i < viaPre.length; i++) {
            norm = Math.max(norm, Math.abs(viaPre[i]));
        }
        assertTrue(norm > 0, family + ": some gradient flows");
        for (int i = 0; i < viaPre.length; i++) {
            assertEquals(viaPre[i], viaAction[i], 1e-4 * norm, family + ": gradient of " + actor.parameters().nameAt(i));
        }
        actor.parameters().zeroGradients();
    }
}
