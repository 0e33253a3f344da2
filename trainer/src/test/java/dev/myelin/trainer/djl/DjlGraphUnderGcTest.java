package dev.myelin.trainer.djl;

import ai.djl.Device;
import dev.myelin.policy.model.CubaLif;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.PopSanActor;
import dev.myelin.trainer.nn.PopSanActor.ActorShape;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.nn.Surrogate;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DJL reference graph gives the same gradients on every pass while the collector frees memory between passes.
 * Constants in its gradient's path must be tensors its manager keeps: a constant given to DJL as a Number is a
 * scalar over a Java buffer that DJL closes right after the operation, and once the collector frees that buffer
 * the backward pass reads freed memory (seen as non-finite gradients in about one pass in 200 to 400).
 */
class DjlGraphUnderGcTest {

    @Test
    void popSanGradientsAreTheSameOnEveryPass() {
        ActorShape shape = new ActorShape(3, 2, 6, 6, new int[] {24, 16}, 4, CubaLif.POPSAN);
        Parameters.Builder b = Parameters.builder();
        PopSanActor.declare(b, shape, true);
        Parameters p = b.build();
        PopSanActor.initialize(p, shape, new RandomStream(5));
        int batch = 6;
        SplittableRandom r = new SplittableRandom(5);
        float[] obs = new float[batch * shape.observationSize()];
        float[] gZ = new float[batch * shape.actionSize()];
        float[] gS = new float[batch * shape.actionSize()];
        for (int i = 0; i < obs.length; i++) {
            obs[i] = (float) (1.5 * r.nextGaussian());
        }
        for (int i = 0; i < gZ.length; i++) {
            gZ[i] = (float) r.nextGaussian();
            gS[i] = (float) r.nextGaussian();
        }
        List<byte[]> churn = new ArrayList<>();
        try (DjlPopSanGraph graph = new DjlPopSanGraph(shape, Surrogate.RECTANGULAR, 0.5f, Device.cpu())) {
            float[] first = graph.run(p, obs, batch, gZ, gS).gradients();
            assertTrue(finite(first) && norm(first) > 0, "the first pass gives finite, non-zero gradients");
            for (int pass = 1; pass < 600; pass++) {
                churn(churn, pass);
                assertArrayEquals(first, graph.run(p, obs, batch, gZ, gS).gradients(), "pass " + pass);
            }
        }
    }

    @Test
    void mlpGradientsAreTheSameOnEveryPass() {
        int[] sizes = {5, 16, 16, 1};
        Parameters.Builder b = Parameters.builder();
        for (int l = 0; l + 1 < sizes.length; l++) {
            b.add("q.layer" + l + ".weight", sizes[l], sizes[l + 1]);
            b.add("q.layer" + l + ".bias", sizes[l + 1]);
        }
        Parameters p = b.build();
        SplittableRandom r = new SplittableRandom(9);
        float[] v = p.values();
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.5 * r.nextGaussian());
        }
        int batch = 8;
        float[] in = new float[batch * sizes[0]];
        float[] g = new float[batch];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) r.nextGaussian();
        }
        Arrays.fill(g, 1f);
        List<byte[]> churn = new ArrayList<>();
        try (DjlMlpGraph graph = new DjlMlpGraph("q.", sizes, Device.cpu())) {
            float[] first = graph.run(p, in, batch, g).gradients();
            assertTrue(finite(first) && norm(first) > 0, "the first pass gives finite, non-zero gradients");
            for (int pass = 1; pass < 600; pass++) {
                churn(churn, pass);
                assertArrayEquals(first, graph.run(p, in, batch, g).gradients(), "pass " + pass);
            }
        }
    }

    /** Garbage between passes, and a full collection every 25 passes, so DJL's closed scalars are freed. */
    private static void churn(List<byte[]> churn, int pass) {
        for (int k = 0; k < 50; k++) {
            churn.add(new byte[100_000]);
        }
        if (churn.size() > 2000) {
            churn.clear();
        }
        if (pass % 25 == 0) {
            System.gc();
        }
    }

    private static boolean finite(float[] a) {
        for (float x : a) {
            if (!Float.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    private static double norm(float[] a) {
        double s = 0;
        for (float x : a) {
            s += x * x;
        }
        return s;
    }
}
