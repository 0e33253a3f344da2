package dev.myelin.trainer.rl;

import com.sun.management.ThreadMXBean;
import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.run.TrainConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** After start-up, acting, storing, sampling and updating allocate nothing on the training thread. */
class AllocationTest {
    private static final ThreadMXBean MX = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ParameterizedTest
    @CsvSource({"td3,1", "sac,1", "td3,2", "sac,2"})
    void steadyStateTrainingStepsAllocateNothing(String algorithm, int threads) throws Exception {
        TrainConfig c = TrainConfig.of(TrainConfig.loadPreset("pendulum"), List.of("algorithm=" + algorithm,
                "threads=" + threads,
                "actor.hidden=40,24", "critic.hidden=32,32", "batch_size=32", "replay_size=4096", "envs=2",
                "update_every=50"));
        int obs = 3;
        int act = 1;
        int agents = 2;
        Learner learner = Learner.create(c, Communicator.single(), obs, act, agents, 5);
        ReplayBuffer replay = new ReplayBuffer(c.replaySize, obs, act);
        RunningNormalizer norm = new RunningNormalizer(obs, 3f, true);
        ReplayBuffer.Batch batch = new ReplayBuffer.Batch(c.batchSize, obs, act);
        RandomStream rnd = new RandomStream(9);
        float[] o = new float[agents * obs];
        float[] on = new float[agents * obs];
        float[] u = new float[agents * act];
        float[] next = new float[agents * obs];
        Runnable step = () -> {
            for (int i = 0; i < o.length; i++) {
                o[i] = (float) rnd.nextGaussian();
                next[i] = (float) rnd.nextGaussian();
            }
            for (int a = 0; a < agents; a++) {
                norm.observe(o, a * obs);
                norm.normalize(o, a * obs, on, a * obs);
            }
            learner.act(on, agents, u, true, rnd);
            for (int a = 0; a < agents; a++) {
                replay.add(o, a * obs, u, a * act, (float) rnd.nextGaussian(), next, a * obs, false);
            }
            norm.sync(Communicator.single());
            replay.sample(batch, rnd, norm);
            learner.update(batch);
        };
        for (int i = 0; i < 8000; i++) {
            step.run();
        }
        long before = MX.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 500; i++) {
            step.run();
        }
        long allocated = MX.getCurrentThreadAllocatedBytes() - before;
        learner.close();
        assertEquals(0, allocated, algorithm + " on " + threads + " thread(s): 500 steps (act, store, sample, update) allocated " + allocated + " bytes");
        assertTrue(learner.updates() == 8500);
        assertTrue(Double.isFinite(learner.lastCriticLoss()));
    }
}
