package dev.myelin.trainer.run;

import dev.myelin.sim.Env;
import dev.myelin.sim.Tasks;
import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.rl.ReplayBuffer;
import dev.myelin.trainer.rl.RunningNormalizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fine-tuning starts from another run's learned state and mixes real transitions into every batch. */
class FinetuneTest {

    /** Pendulum transitions recorded with a fixed controller, as a robot would upload them. */
    static RealExperience recorded(int steps) {
        try (Env env = Tasks.env(TrainConfig.of(TrainConfig.loadPreset("pendulum"), List.of()).taskSpec())) {
            RealExperience real = new RealExperience(env.observationSpace().size(), env.actionSpace().size());
            float[] o = new float[env.observationSpace().size()];
            float[] a = new float[env.actionSpace().size()];
            System.arraycopy(env.reset(3), 0, o, 0, o.length);
            for (int t = 0; t < steps; t++) {
                a[0] = (float) Math.max(-2, Math.min(2, -2 * o[2]));
                var s = env.step(a);
                float[] next = s.observation().clone();
                real.add(o, a, (float) s.reward(), next, s.terminated());
                System.arraycopy(s.terminated() || s.truncated() ? env.reset(4 + t) : next, 0, o, 0, o.length);
            }
            return real;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aFinetunedRunStartsFromTheSourceWeightsAndDrawsAShareOfEachBatchFromRealExperience(@TempDir Path tmp)
            throws IOException {
        Path source = tmp.resolve("source");
        float[] sourceActor;
        try (TrainingRun run = TrainingRun.start(CheckpointTest.small("steps=400", "checkpoint_every=400", "eval_every=400"),
                source, Communicator.single())) {
            run.run();
            sourceActor = run.learner().actorParameters().values().clone();
        }
        Path tuned = tmp.resolve("tuned");
        try (TrainingRun run = TrainingRun.finetune(source, tuned, List.of("steps=300", "start_steps=0", "update_after=0",
                "checkpoint_every=300", "eval_every=300"), Communicator.single())) {
            assertArrayEquals(sourceActor, run.learner().actorParameters().values(), "starts from the source's actor");
            assertEquals(0, run.step());
            run.mixRealExperience(recorded(500), 0.25);
            assertEquals(25, run.realRowsPerBatch(), "a quarter of a batch of 100");
            run.run();
            assertFalse(Arrays.equals(sourceActor, run.learner().actorParameters().values()), "fine-tuning changed the actor");
        }
        assertTrue(Files.readString(tuned.resolve("finetune.yaml")).contains("source_step: 400"));
        assertTrue(Files.isRegularFile(tuned.resolve(TrainingRun.CHECKPOINT)));
    }

    @Test
    void experienceThatDoesNotFitTheTaskIsRefusedBeforeTraining(@TempDir Path tmp) throws IOException {
        try (TrainingRun run = TrainingRun.start(CheckpointTest.small("steps=100", "checkpoint_every=100", "eval_every=100"),
                tmp.resolve("run"), Communicator.single())) {
            RealExperience wrong = new RealExperience(5, 1);
            wrong.add(new float[5], new float[1], 0f, new float[5], false);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run.mixRealExperience(wrong, 0.25));
            assertTrue(e.getMessage().contains("5 observations"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> run.mixRealExperience(recorded(10), 1.5));
            assertThrows(IllegalArgumentException.class, () -> run.mixRealExperience(new RealExperience(3, 1), 0.25));
            assertEquals(0, run.realRowsPerBatch(), "nothing was applied");
        }
        RealExperience real = new RealExperience(3, 1);
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> real.add(new float[] {0, Float.NaN, 0}, new float[1], 0, new float[3], false));
        assertTrue(nan.getMessage().contains("observation[1]"), nan.getMessage());
        assertEquals(0, real.size());
        assertThrows(IllegalArgumentException.class, () -> TrainingRun.finetune(tmp.resolve("nothing"), tmp.resolve("x"),
                List.of(), Communicator.single()));
    }

    @Test
    void aBatchCanBeFilledFromTwoBuffers() {
        ReplayBuffer sim = new ReplayBuffer(10, 1, 1);
        ReplayBuffer real = new ReplayBuffer(10, 1, 1);
        for (int i = 0; i < 10; i++) {
            sim.add(new float[] {1}, 0, new float[] {0.5f}, 0, 1f, new float[] {1}, 0, false);
            real.add(new float[] {2}, 0, new float[] {-0.5f}, 0, -1f, new float[] {2}, 0, true);
        }
        ReplayBuffer.Batch b = new ReplayBuffer.Batch(8, 1, 1);
        RunningNormalizer identity = new RunningNormalizer(1, 10f, false);
        RandomStream rnd = new RandomStream(1);
        sim.sample(b, 0, 6, rnd, identity);
        real.sample(b, 6, 2, rnd, identity);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, -1, -1}, b.reward);
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 1, 1}, b.terminal);
        assertThrows(IllegalArgumentException.class, () -> real.sample(b, 6, 3, rnd, identity));
    }
}
