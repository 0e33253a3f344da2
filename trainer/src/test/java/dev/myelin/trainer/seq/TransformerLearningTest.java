package dev.myelin.trainer.seq;

import dev.myelin.trainer.nn.Adam;
import dev.myelin.trainer.nn.Parameters;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A smoke test of the gradients as an optimiser uses them: Adam on the actor's gradients learns a
 * supervised sequence target that needs the token window: the previous reward's sign, and the sign of
 * the sum of an observation over the window (the attention has no positional code, so a target must
 * not depend on the order of the window's tokens).
 */
class TransformerLearningTest {

    @Test
    void adamLearnsATargetThatNeedsTheWindow() {
        int obs = 2;
        int act = 2;
        int batch = 16;
        int steps = 10;
        int window = 3;
        SequenceActor actor = TransformerActor.create(obs, act, Map.of("window", window, "model_dim", 24, "mlp_dim", 32,
                "population", 6, "timesteps", 4), 11);
        Parameters p = actor.parameters();
        Adam adam = new Adam(p, 3e-3f);
        SplittableRandom r = new SplittableRandom(12);
        int n = batch * steps;
        float[] o = new float[n * obs];
        float[] pa = new float[n * act];
        float[] pr = new float[n];
        float[] target = new float[n * act];
        float[] g = new float[n * act];
        double first = 0;
        double last = 0;
        int updates = 300;
        for (int it = 0; it < updates; it++) {
            for (int i = 0; i < o.length; i++) {
                o[i] = (float) r.nextGaussian();
            }
            for (int i = 0; i < pa.length; i++) {
                pa[i] = (float) (2 * r.nextDouble() - 1);
            }
            for (int i = 0; i < pr.length; i++) {
                pr[i] = (float) r.nextGaussian();
            }
            for (int b = 0; b < batch; b++) {
                // episode start: no previous action or reward
                pa[b * act] = 0f;
                pa[b * act + 1] = 0f;
                pr[b] = 0f;
            }
            for (int t = 0; t < steps; t++) {
                for (int b = 0; b < batch; b++) {
                    int k = t * batch + b;
                    target[k * act] = 0.6f * Math.signum(pr[k]);
                    float sum = 0f;
                    for (int s = Math.max(0, t - window + 1); s <= t; s++) {
                        sum += o[(s * batch + b) * obs];
                    }
                    target[k * act + 1] = 0.6f * Math.signum(sum);
                }
            }
            float[] a = actor.forward(o, pa, pr, batch, steps);
            double loss = 0;
            for (int i = 0; i < g.length; i++) {
                float e = a[i] - target[i];
                loss += e * e;
                g[i] = 2f * e / g.length;
            }
            loss /= g.length;

            if (it < 20) {
                first += loss / 20;
            }
            if (it >= updates - 20) {
                last += loss / 20;
            }
            p.zeroGradients();
            actor.backward(g);
            adam.step();
            actor.refreshWeights();
        }
        assertTrue(last < 0.5 * first, "mean squared error " + first + " -> " + last + " after " + updates + " Adam steps");
        assertTrue(last < 0.12, "mean squared error " + last + " (predicting zero scores 0.36)");
    }
}
