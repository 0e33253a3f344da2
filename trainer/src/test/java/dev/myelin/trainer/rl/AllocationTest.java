package dev.myelin.trainer.rl;

import com.sun.management.ThreadMXBean;
import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.run.ChildJvm;
import dev.myelin.trainer.run.TrainConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After start-up, acting, storing, sampling and updating allocate nothing on the training thread. Measured in a JVM
 * of its own, as a trainer process runs: the kernels use the Vector API, whose operations allocate until the JIT has
 * compiled and intrinsified their callers, and in the test JVM the compiler queue and the code compiled for other
 * tests' shapes decide when that happens.
 */
class AllocationTest {
    private static final ThreadMXBean MX = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ParameterizedTest
    @CsvSource({"td3,1", "sac,1", "td3,2", "sac,2"})
    void steadyStateTrainingStepsAllocateNothing(String algorithm, int threads) throws Exception {
        String out = ChildJvm.output(AllocationTest.class, List.of(algorithm, Integer.toString(threads)));
        assertTrue(out.contains(algorithm + " on " + threads + " thread(s): ok"), out);
    }

    /**
     * Runs 8000 training steps of {@code args[0]} (td3 or sac) on {@code args[1]} threads, then measures rounds of
     * 500 until one allocates nothing (at most ten); prints the rounds and exits 1 when none did, or when the
     * learner's counts are wrong.
     */
    public static void main(String[] args) throws Exception {
        String algorithm = args[0];
        int threads = Integer.parseInt(args[1]);
        TrainConfig c = TrainConfig.of(TrainConfig.loadPreset("pendulum"), List.of("algorithm=" + algorithm,
                "threads=" + threads,
                "actor.hidden=40,24", "critic.hidden=32,32", "batch_size=32", "replay_size=4096", "envs=2",
                "update_every=50"));
        int obs = 3;
        int act = 1;
        int agents = 2;
        Learner<ReplayBuffer.Batch> learner = Learner.create(c, Communicator.single(), obs, act, agents, 5);
        TransitionPolicy policy = (TransitionPolicy) learner.model();
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
            policy.act(learner, on, agents, u, true, rnd);
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
        StringBuilder rounds = new StringBuilder();
        long allocated = -1;
        int steps = 8000;
        for (int round = 0; round < 10 && allocated != 0; round++) {
            long before = MX.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 500; i++) {
                step.run();
            }
            allocated = MX.getCurrentThreadAllocatedBytes() - before;
            steps += 500;
            rounds.append(' ').append(allocated);
        }
        learner.close();
        String run = algorithm + " on " + threads + " thread(s): ";
        if (learner.updates() != steps || !Double.isFinite(learner.lastCriticLoss())) {
            System.out.println(run + learner.updates() + " updates after " + steps + " steps, last critic loss "
                    + learner.lastCriticLoss());
            System.exit(1);
        }
        if (allocated != 0) {
            System.out.println(run + "every round of 500 steps (act, store, sample, update) allocated; bytes per round:"
                    + rounds);
            System.exit(1);
        }
        System.out.println(run + "ok, bytes per round of 500 steps:" + rounds);
        System.exit(0);
    }
}
