package dev.myelin.trainer.seq;

import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.rl.RunningNormalizer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** After warm-up, rollout steps and TD3 updates allocate nothing (the baselines' steppers and the learner). */
class SequenceHotPathAllocationTest {

    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static long allocated() {
        return MX.getCurrentThreadAllocatedBytes();
    }

    @Test
    void steppersAndUpdatesAllocateNothing() {
        for (String family : new String[] {"mlp", "popsan"}) {
            SequenceActor actor = SequenceActors.create(family, 2, 1, Map.of("hidden", "8"), 1);
            SequenceActor target = SequenceActors.create(family, 2, 1, Map.of("hidden", "8"), 1);
            SequenceTd3 td3 = new SequenceTd3(actor, target, new SequenceTd3.Settings(4, 2, 4, 2, new int[] {8}, 1e-3f, 1e-3f,
                    0.99f, 0.995f, 0.2f, 0.5f, 2), 2, 7);
            SequenceReplay replay = SequenceReplayTest.filled(64, 100);
            SequenceReplay.Batch b = new SequenceReplay.Batch(4, 2, 2, 1, 2, 4, 2);
            RandomStream rnd = new RandomStream(3);
            RunningNormalizer n = new RunningNormalizer(2, 1e6f, false);
            SequenceActor.Stepper stepper = actor.stepper(6);
            float[] o = new float[12];
            float[] pa = new float[6];
            float[] pr = new float[6];
            float[] u = new float[6];
            // warm-up long enough for the JIT to compile (and scalar-replace) the kernels, also in a JVM that ran
            // other tests first (their profiles make the first compilations of the shared kernels allocate)
            for (int i = 0; i < 30000; i++) {
                replay.sample(b, rnd, n);
                td3.update(b);
                stepper.step(o, pa, pr, u);
            }
            long sampling = 0;
            long updating = 0;
            long stepping = 0;
            for (int i = 0; i < 200; i++) {
                long t0 = allocated();
                replay.sample(b, rnd, n);
                long t1 = allocated();
                td3.update(b);
                long t2 = allocated();
                stepper.step(o, pa, pr, u);
                stepper.reset(i % 6);
                long t3 = allocated();
                sampling += t1 - t0;
                updating += t2 - t1;
                stepping += t3 - t2;
            }
            long bytes = sampling + updating + stepping;
            String where = " (sampling " + sampling + ", updates " + updating + ", stepping " + stepping + ")";
            assertTrue(bytes < 2048, family + ": 200 updates and steps allocated " + bytes + " bytes" + where);
        }
    }
}
