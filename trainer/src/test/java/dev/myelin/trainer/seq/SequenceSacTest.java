package dev.myelin.trainer.seq;

import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.rl.LearnerSettings;
import dev.myelin.trainer.rl.RunningNormalizer;
import dev.myelin.trainer.rl.Sac;
import dev.myelin.trainer.run.CheckpointFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recurrent SAC's policy gradient, written by hand, against central finite differences of its loss with the
 * noise held fixed (reparameterisation): the gradients reaching the actor's weights back through time and the
 * learned log_std. Two agents per window (the CTDE form). Also: the rollout's exploration is a sample around
 * the deterministic action, and a checkpoint restores the learner exactly.
 */
class SequenceSacTest {
    private static final Map<String, Object> SMALL = Map.of("hidden", "6");

    private static final WindowPolicy.Windows WINDOWS = new WindowPolicy.Windows(4, 2, 4, 2);

    private static LearnerSettings settings(boolean autoAlpha, float logStd) {
        return LearnerSettings.fp32(4, new int[] {8}, 1e-3f, 1e-3f, 0.99f, 0.995f, 0.2f, 0.5f, 1, 0.1f, 0.3f, autoAlpha,
                logStd);
    }

    private static Sac<SequenceReplay.Batch> sac(SequenceActor actor, boolean autoAlpha, float logStd, int agents,
                                                 long seed) {
        return (Sac<SequenceReplay.Batch>) WindowPolicy.sac(actor, WINDOWS, settings(autoAlpha, logStd), agents, seed);
    }

    private static SequenceReplay.Batch batch(long seed) {
        SequenceReplay replay = SequenceReplayTest.filled(64, 100);
        SequenceReplay.Batch b = new SequenceReplay.Batch(4, SequenceReplayTest.AGENTS, SequenceReplayTest.OBS,
                SequenceReplayTest.ACT, 2, 4, 2);
        replay.sample(b, new RandomStream(seed), new RunningNormalizer(SequenceReplayTest.OBS, 1e6f, false));
        assertTrue(b.rows > 0);
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gru", "mlp"})
    void policyGradientsEqualFiniteDifferencesOfTheLoss(String family) {
        SequenceActor actor = SequenceActors.create(family, SequenceReplayTest.OBS, SequenceReplayTest.ACT, SMALL, 4);
        Sac<SequenceReplay.Batch> sac = sac(actor, false, -0.7f, SequenceReplayTest.AGENTS, 5);
        SequenceReplay.Batch b = batch(3);
        // a few updates so that the critics are not at their initial values
        for (int i = 0; i < 20; i++) {
            sac.update(b);
        }
        long[] noise = sac.noise().state();
        sac.policyGradients(b);
        Parameters p = actor.parameters();
        float[] gActor = p.gradients().clone();
        float[] gExtra = sac.extraParameters().gradients().clone();
        int checked = 0;
        for (int i = 0; i < p.size(); i += Math.max(1, p.size() / 23)) {
            double fd = centralDifference(sac, b, noise, p.values(), i, actor::refreshWeights);
            assertEquals(fd, gActor[i], 2e-3 + 0.03 * Math.abs(fd), family + ": dL/d " + p.nameAt(i));
            checked += gActor[i] != 0f ? 1 : 0;
        }
        assertTrue(checked > 5, family + ": gradients reach the actor's weights");
        int ls = sac.extraParameters().offset(Sac.LOG_STD);
        double fd = centralDifference(sac, b, noise, sac.extraParameters().values(), ls, sac::refreshExtra);
        assertEquals(fd, gExtra[ls], 2e-3 + 0.03 * Math.abs(fd), family + ": dL/d log_std");
        assertTrue(gExtra[ls] != 0f);
    }

    private static double centralDifference(Sac<SequenceReplay.Batch> sac, SequenceReplay.Batch b, long[] noise, float[] values, int i,
                                            Runnable refresh) {
        float h = 2e-3f;
        float keep = values[i];
        values[i] = keep + h;
        refresh.run();
        sac.noise().restore(noise);
        double plus = sac.policyGradients(b);
        values[i] = keep - h;
        refresh.run();
        sac.noise().restore(noise);
        double minus = sac.policyGradients(b);
        values[i] = keep;
        refresh.run();
        return (plus - minus) / (2 * h);
    }

    @Test
    void explorationSamplesAroundTheDeterministicAction() {
        SequenceActor actor = SequenceActors.create("mlp", 2, 1, SMALL, 4);
        Sac<SequenceReplay.Batch> sac = sac(actor, true, -1f, 1, 5);
        RandomStream rnd = new RandomStream(9);
        float z = 0.3f;
        double sum = 0;
        double sq = 0;
        int n = 20000;
        float[] u = new float[1];
        float[] pre = {z};
        for (int i = 0; i < n; i++) {
            u[0] = (float) Math.tanh(z);
            sac.explore(u, pre, null, 1, rnd);
            assertTrue(u[0] > -1f && u[0] < 1f);
            double x = 0.5 * Math.log((1 + u[0]) / (1 - u[0]));
            sum += x;
            sq += x * x;
        }
        double mean = sum / n;
        double sd = Math.sqrt(sq / n - mean * mean);
        assertEquals(z, mean, 0.01, "pre-squash samples centre on the actor's output");
        assertEquals(Math.exp(-1), sd, 0.01, "and spread by exp(log_std)");
    }

    @Test
    void aCheckpointRestoresTheLearnerExactly(@TempDir Path dir) throws Exception {
        SequenceReplay.Batch b = batch(7);
        SequenceActor a1 = SequenceActors.create("mlp", 2, 1, SMALL, 4);
        Sac<SequenceReplay.Batch> s1 = sac(a1, true, -0.5f, 2, 5);
        for (int i = 0; i < 5; i++) {
            s1.update(b);
        }
        CheckpointFile ck = new CheckpointFile();
        s1.save(ck);
        ck.put("actor", a1.parameters().values());
        ck.write(dir.resolve("ck.bin"));
        CheckpointFile back = CheckpointFile.read(dir.resolve("ck.bin"));
        SequenceActor a2 = SequenceActors.create("mlp", 2, 1, SMALL, 99);
        Sac<SequenceReplay.Batch> s2 = sac(a2, true, -0.5f, 2, 77);
        System.arraycopy(back.floats("actor"), 0, a2.parameters().values(), 0, a2.parameters().size());
        a2.refreshWeights();
        s2.restore(back);
        for (int i = 0; i < 3; i++) {
            s1.update(b);
            s2.update(b);
        }
        assertArrayEquals(a1.parameters().values(), a2.parameters().values(), "same actor after further updates");
        assertArrayEquals(s1.criticParameters().values(), s2.criticParameters().values(), "same critics");
        assertEquals(s1.alpha(), s2.alpha());
        assertEquals(s1.updates(), s2.updates());
    }
}
