package dev.myelin.trainer.seq;

import com.sun.management.ThreadMXBean;
import dev.myelin.trainer.run.ChildJvm;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After warm-up, the GRSN, GRU and spiking-transformer steppers and the GRSN and transformer training passes
 * allocate nothing. Measured in a JVM of its own, as a trainer or robot process runs: the kernels use the Vector
 * API, whose operations allocate until the JIT has compiled and intrinsified their callers, and in the test JVM
 * the compiler queue and the code compiled for other tests' shapes decide when that happens.
 */
class SequenceActorAllocationTest {
    private static final ThreadMXBean MX = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final String[] RUNS = {"grsn/stepper", "grsn/training", "gru/stepper", "transformer/stepper",
            "transformer/training"};

    @Test
    void steppersAndTrainingPassesAllocateNothingInAProcessOfTheirOwn() throws IOException, InterruptedException {
        String out = ChildJvm.output(SequenceActorAllocationTest.class, List.of());
        for (String run : RUNS) {
            assertTrue(out.contains(run + ": ok"), run + " measured: " + out);
        }
    }

    /** Measures every workload; prints each one's rounds and exits 1 when one never reaches a round without allocation. */
    public static void main(String[] args) {
        Map<String, Runnable> work = workloads();
        boolean failed = false;
        for (String run : RUNS) {
            Runnable w = work.get(run);
            for (int i = 0; i < 20000; i++) {
                w.run();
            }
            // the JIT compiles on background threads: up to ten rounds are measured, and the steady state is the
            // first round that allocates nothing
            StringBuilder rounds = new StringBuilder();
            long bytes = -1;
            for (int round = 0; round < 10 && bytes != 0; round++) {
                long before = MX.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 2000; i++) {
                    w.run();
                }
                bytes = MX.getCurrentThreadAllocatedBytes() - before;
                rounds.append(' ').append(bytes);
            }
            if (bytes == 0) {
                System.out.println(run + ": ok, bytes per round of 2000:" + rounds);
            } else {
                System.out.println(run + ": every round of 2000 allocated; bytes per round:" + rounds);
                failed = true;
            }
        }
        System.exit(failed ? 1 : 0);
    }

    private static Map<String, Runnable> workloads() {
        Map<String, Runnable> work = new LinkedHashMap<>();
        SplittableRandom r = new SplittableRandom(1);

        int lanes = 4;
        SequenceActor grsn = GrsnActor.create(3, 2, Map.of("hidden", List.of(32, 32)), 1);
        work.put("grsn/stepper", stepping(grsn.stepper(lanes), GrsnActorTest.gaussian(r, lanes * 3, 1.0), lanes, 2));
        SequenceActor gru = GruActor.create(3, 2, Map.of("hidden", List.of(32, 32)), 1);
        work.put("gru/stepper", stepping(gru.stepper(lanes), GrsnActorTest.gaussian(r, lanes * 3, 1.0), lanes, 2));
        SequenceActor transformer = TransformerActor.create(4, 2, Map.of("window", 6, "model_dim", 16, "mlp_dim", 24,
                "population", 5, "timesteps", 4), 5);
        work.put("transformer/stepper", stepping(transformer.stepper(lanes), GrsnActorTest.gaussian(r, lanes * 4, 1.0),
                lanes, 2));

        work.put("grsn/training", training(GrsnActor.create(2, 1, Map.of(), 4), r, 2, 1, 3, 5));
        work.put("transformer/training", training(transformer, r, 4, 2, 4, 10));
        return work;
    }

    /** One stepper decision per call, the observation changing and a lane reset every 100 calls. */
    private static Runnable stepping(SequenceActor.Stepper stepper, float[] o, int lanes, int act) {
        float[] pa = new float[lanes * act];
        float[] pr = new float[lanes];
        float[] out = new float[lanes * act];
        int[] i = {0};
        return () -> {
            stepper.step(o, pa, pr, out);
            System.arraycopy(out, 0, pa, 0, pa.length);
            o[i[0] % o.length] = -o[i[0] % o.length];
            if (i[0]++ % 100 == 0) {
                stepper.reset(i[0] % lanes);
            }
        };
    }

    /** One training forward and backward pass over {@code batch} sequences of {@code steps}, and the weights refreshed, per call. */
    private static Runnable training(SequenceActor actor, SplittableRandom r, int obs, int act, int batch, int steps) {
        float[] o = GrsnActorTest.gaussian(r, batch * steps * obs, 1.0);
        float[] pa = new float[batch * steps * act];
        float[] pr = new float[batch * steps];
        float[] g = GrsnActorTest.gaussian(r, batch * steps * act, 1.0);
        Arrays.fill(pr, 0.5f);
        return () -> {
            actor.forward(o, pa, pr, batch, steps);
            actor.backward(g);
            actor.refreshWeights();
        };
    }
}
