package dev.myelin.trainer.nn;

import ai.djl.Device;
import dev.myelin.policy.model.CubaLif;
import dev.myelin.trainer.djl.DjlMlpGraph;
import dev.myelin.trainer.djl.DjlPopSanGraph;
import dev.myelin.trainer.kernel.Rounding;
import dev.myelin.trainer.nn.PopSanActor.ActorShape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused CPU kernels compute the same outputs and the same gradients as DJL (PyTorch) autograd run on
 * the same equations: this is what licenses training with them.
 */
class GradientsMatchDjlTest {

    static void assertClose(float[] expected, float[] actual, double rtol, double atol, String what, Parameters p) {
        assertEquals(expected.length, actual.length, what + " length");
        double scale = 0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            double tol = atol * scale + rtol * Math.abs(expected[i]);
            String where = p == null ? "[" + i + "]" : " " + p.nameAt(i) + "[" + (i - p.offset(p.nameAt(i))) + "]";
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol,
                    what + where + ": DJL " + expected[i] + ", fused " + actual[i] + " (scale " + scale + ")");
        }
    }

    @ParameterizedTest
    @EnumSource(Surrogate.class)
    void popSanGradientsEqualDjlAutograd(Surrogate surrogate) {
        ActorShape shape = new ActorShape(3, 2, 10, 10, new int[] {32, 24}, 5, CubaLif.POPSAN);
        checkActor(shape, surrogate, false, 7, 12);
    }

    @Test
    void sacLogStdHeadGradientsEqualDjlAutograd() {
        ActorShape shape = new ActorShape(4, 2, 6, 5, new int[] {40}, 4, CubaLif.POPSAN);
        checkActor(shape, Surrogate.RECTANGULAR, true, 11, 9);
    }

    private void checkActor(ActorShape shape, Surrogate surrogate, boolean stdHead, long seed, int batch) {
        Parameters.Builder b = Parameters.builder();
        PopSanActor.declare(b, shape, stdHead);
        Parameters p = b.build();
        PopSanActor.initialize(p, shape, new RandomStream(seed));
        // stronger weights than the initialisation so that every layer fires
        float[] v = p.values();
        for (int l = 0; l <= shape.hidden().length; l++) {
            Parameters.Slice s = p.slice("layer" + l + ".weight");
            for (int i = s.offset(); i < s.offset() + s.size(); i++) {
                v[i] *= 3f;
            }
        }
        SplittableRandom r = new SplittableRandom(seed);
        int obs = shape.observationSize();
        int act = shape.actionSize();
        PopSanActor actor = new PopSanActor(p, shape, surrogate, 0.5f, batch, Rounding.FP32);
        float[] o = actor.input();
        for (int i = 0; i < batch * obs; i++) {
            o[i] = (float) (1.5 * r.nextGaussian());
        }
        float[] obsCopy = o.clone();
        float[] gZ = new float[batch * act];
        float[] gS = stdHead ? new float[batch * act] : null;
        for (int i = 0; i < gZ.length; i++) {
            gZ[i] = (float) r.nextGaussian();
            if (gS != null) {
                gS[i] = (float) r.nextGaussian();
            }
        }
        actor.forward(batch);
        assertTrue(actor.lastSpikes() > 0, "the network must spike for the test to mean anything");
        p.zeroGradients();
        actor.backward(gZ, gS);
        float[] fused = p.gradients().clone();
        try (DjlPopSanGraph djl = new DjlPopSanGraph(shape, surrogate, 0.5f, Device.cpu())) {
            DjlPopSanGraph.Result ref = djl.run(p, obsCopy, batch, gZ, gS);
            float[] z = java.util.Arrays.copyOf(actor.preActivation(), batch * act);
            assertClose(ref.preActivation(), z, 1e-5, 1e-6, "z", null);
            if (stdHead) {
                assertClose(ref.logStd(), java.util.Arrays.copyOf(actor.logStd(), batch * act), 1e-5, 1e-6, "log std", null);
            }
            assertClose(ref.gradients(), fused, 1e-3, 1e-4, "gradient", p);
            double norm = 0;
            for (float g : fused) {
                norm += g * g;
            }
            assertTrue(norm > 0, "gradients must not vanish for the comparison to mean anything");
            for (String name : new String[] {"encoder.mu", "encoder.sigma", "layer0.weight"}) {
                Parameters.Slice s = p.slice(name);
                double sn = 0;
                for (int i = s.offset(); i < s.offset() + s.size(); i++) {
                    sn += Math.abs(fused[i]);
                }
                assertTrue(sn > 0, name + " receives gradient through the whole network");
            }
        }
    }

    @Test
    void criticGradientsEqualDjlAutograd() {
        int[] sizes = {7, 33, 19, 1};
        Parameters.Builder b = Parameters.builder();
        Mlp.declare(b, "q1.", sizes);
        Parameters p = b.build();
        Mlp.initialize(p, "q1.", sizes, new RandomStream(3));
        int batch = 13;
        Mlp mlp = new Mlp(p, "q1.", sizes, batch, Rounding.FP32);
        SplittableRandom r = new SplittableRandom(3);
        float[] in = mlp.input();
        for (int i = 0; i < batch * 7; i++) {
            in[i] = (float) r.nextGaussian();
        }
        float[] inCopy = in.clone();
        float[] g = new float[batch];
        for (int i = 0; i < batch; i++) {
            g[i] = (float) r.nextGaussian();
        }
        float[] y = mlp.forward(batch).clone();
        p.zeroGradients();
        float[] gIn = new float[batch * 3];
        mlp.backward(g, true, gIn, 4, 3);
        try (DjlMlpGraph djl = new DjlMlpGraph("q1.", sizes, Device.cpu())) {
            DjlMlpGraph.Result ref = djl.run(p, inCopy, batch, g);
            assertClose(ref.output(), java.util.Arrays.copyOf(y, batch), 1e-5, 1e-6, "q", null);
            assertClose(ref.gradients(), p.gradients(), 1e-4, 1e-6, "gradient", p);
            float[] refIn = new float[batch * 3];
            for (int i = 0; i < batch; i++) {
                System.arraycopy(ref.inputGradients(), i * 7 + 4, refIn, i * 3, 3);
            }
            assertClose(refIn, gIn, 1e-4, 1e-6, "input gradient", null);
        }
    }
}
