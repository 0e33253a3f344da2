package dev.myelin.trainer.rl;

import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.run.TrainConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Splitting an update's batch over threads changes only the order in which per-row gradients are summed:
 * the same updates land on the same weights up to rounding, and each thread count is reproducible.
 */
class ThreadedUpdateTest {

    static float[][] train(String algorithm, int threads, int updates) throws Exception {
        TrainConfig c = TrainConfig.of(TrainConfig.loadPreset("pendulum"), List.of("algorithm=" + algorithm,
                "threads=" + threads, "actor.hidden=48,32", "critic.hidden=64,64", "batch_size=40"));
        try (Learner<ReplayBuffer.Batch> learner = Learner.create(c, Communicator.single(), 3, 1, 1, 5)) {
            ReplayBuffer replay = new ReplayBuffer(1000, 3, 1);
            RandomStream rnd = new RandomStream(8);
            float[] o = new float[3];
            float[] o2 = new float[3];
            float[] u = new float[1];
            for (int i = 0; i < 1000; i++) {
                for (int k = 0; k < 3; k++) {
                    o[k] = (float) rnd.nextGaussian();
                    o2[k] = (float) rnd.nextGaussian();
                }
                u[0] = (float) (2 * rnd.nextDouble() - 1);
                replay.add(o, 0, u, 0, (float) rnd.nextGaussian(), o2, 0, i % 97 == 0);
            }
            RunningNormalizer norm = new RunningNormalizer(3, 3f, false);
            ReplayBuffer.Batch batch = new ReplayBuffer.Batch(40, 3, 1);
            for (int i = 0; i < updates; i++) {
                replay.sample(batch, rnd, norm);
                learner.update(batch);
            }
            return new float[][] {learner.actorParameters().values().clone(), learner.criticParameters().values().clone()};
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"td3", "sac"})
    void twoThreadsTakeTheSameStepsAsOne(String algorithm) throws Exception {
        float[][] one = train(algorithm, 1, 6);
        float[][] two = train(algorithm, 2, 6);
        float[][] again = train(algorithm, 2, 6);
        assertArrayEquals(two[0], again[0], "two threads are reproducible (actor)");
        assertArrayEquals(two[1], again[1], "two threads are reproducible (critic)");
        for (int n = 0; n < 2; n++) {
            double worst = 0;
            double moved = 0;
            float[][] init = train(algorithm, 1, 0);
            for (int i = 0; i < one[n].length; i++) {
                worst = Math.max(worst, Math.abs(one[n][i] - two[n][i]));
                moved = Math.max(moved, Math.abs(one[n][i] - init[n][i]));
            }
            assertTrue(moved > 1e-4, "the updates changed the weights (" + moved + ")");
            assertTrue(worst < 1e-4 * Math.max(1, moved * 10), (n == 0 ? "actor" : "critic")
                    + " weights differ by " + worst + " between 1 and 2 threads (updates moved them by " + moved + ")");
        }
    }
}
