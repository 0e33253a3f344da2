package dev.myelin.trainer.seq;

import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.rl.Learner;
import dev.myelin.trainer.rl.LearnerSettings;
import dev.myelin.trainer.rl.RunningNormalizer;
import dev.myelin.trainer.run.ChildJvm;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After warm-up, rollout steps with exploration and TD3 and SAC updates allocate nothing (the baselines'
 * steppers and the learners).
 * Measured in a JVM of its own, as a trainer process runs: in the test JVM, code compiled earlier for other
 * tests' shapes of the shared kernels would be measured instead.
 */
class SequenceHotPathAllocationTest {

    @Test
    void steppersAndUpdatesAllocateNothingInATrainerProcess() throws IOException, InterruptedException {
        String out = ChildJvm.output(SequenceHotPathAllocationTest.class, List.of());
        for (String run : new String[] {"mlp/td3", "popsan/td3", "mlp/sac", "popsan/sac"}) {
            assertTrue(out.contains(run + ": ok"), run + " measured: " + out);
        }
    }

    /** Measures every family and exits 1 with the rounds when one allocates. */
    public static void main(String[] args) {
        try {
            steppersAndUpdatesAllocateNothing();
        } catch (AssertionError e) {
            System.out.println(e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }

    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static long allocated() {
        return MX.getCurrentThreadAllocatedBytes();
    }

    static void steppersAndUpdatesAllocateNothing() {
        for (String run : new String[] {"mlp/td3", "popsan/td3", "mlp/sac", "popsan/sac"}) {
            String family = run.substring(0, run.indexOf('/'));
            SequenceActor actor = SequenceActors.create(family, 2, 1, Map.of("hidden", "8"), 1);
            WindowPolicy.Windows windows = new WindowPolicy.Windows(4, 2, 4, 2);
            LearnerSettings settings = LearnerSettings.fp32(4, new int[] {8}, 1e-3f, 1e-3f, 0.99f, 0.995f, 0.2f, 0.5f, 2,
                    0.1f, 0.2f, true, -0.5f);
            Learner<SequenceReplay.Batch> learner = run.endsWith("td3")
                    ? WindowPolicy.td3(actor, SequenceActors.create(family, 2, 1, Map.of("hidden", "8"), 1), windows,
                    settings, 2, 7)
                    : WindowPolicy.sac(actor, windows, settings, 2, 7);
            SequenceReplay replay = SequenceReplayTest.filled(64, 100);
            SequenceReplay.Batch b = new SequenceReplay.Batch(4, 2, 2, 1, 2, 4, 2);
            RandomStream rnd = new RandomStream(3);
            RunningNormalizer n = new RunningNormalizer(2, 1e6f, false);
            SequenceActor.Stepper stepper = actor.stepper(6);
            float[] o = new float[12];
            float[] pa = new float[6];
            float[] pr = new float[6];
            float[] u = new float[6];
            // warm-up with exactly the measured call pattern (a branch first taken while measuring would send the
            // compiled code back to the interpreter), long enough for the JIT to compile and scalar-replace the
            // kernels also in a JVM that ran other tests first
            for (int i = 0; i < 30000; i++) {
                replay.sample(b, rnd, n);
                learner.update(b);
                stepper.step(o, pa, pr, u);
                learner.explore(u, stepper.lastPreSquash(), null, 6, rnd);
                stepper.reset(i % 6);
            }
            // steady state: a round of 200 updates and steps without allocation; background compilation may still
            // replace code during the first rounds, so up to five rounds are measured and every one is reported
            StringBuilder rounds = new StringBuilder();
            long bytes = Long.MAX_VALUE;
            for (int round = 0; round < 5 && bytes >= 2048; round++) {
                long sampling = 0;
                long updating = 0;
                long stepping = 0;
                for (int i = 0; i < 200; i++) {
                    long t0 = allocated();
                    replay.sample(b, rnd, n);
                    long t1 = allocated();
                    learner.update(b);
                    long t2 = allocated();
                    stepper.step(o, pa, pr, u);
                    learner.explore(u, stepper.lastPreSquash(), null, 6, rnd);
                    stepper.reset(i % 6);
                    long t3 = allocated();
                    sampling += t1 - t0;
                    updating += t2 - t1;
                    stepping += t3 - t2;
                }
                bytes = sampling + updating + stepping;
                rounds.append(" [sampling ").append(sampling).append(", updates ").append(updating).append(", stepping ")
                        .append(stepping).append(']');
            }
            String where = rounds.toString();
            assertTrue(bytes < 2048, run + ": every round of 200 updates and steps allocated; rounds:" + where);
            System.out.println(run + ": ok, rounds:" + where);
        }
    }
}
