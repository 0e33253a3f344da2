package dev.myelin.trainer.seq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sequence run stopped at a checkpoint and resumed ends exactly where an uninterrupted run ends: same actor
 * values, same critics, same evaluation (recurrent steppers carry their state across the stop).
 */
class SequenceResumeTest {
    private static final List<String> SHORT = List.of("steps=768", "start_steps=256", "update_after=256",
            "updates_per_period=8", "batch_size=4", "eval_every=384", "eval_episodes=1", "seed=5");

    private static SequenceConfig config(String family, String algorithm, String steps) throws Exception {
        List<String> o = new java.util.ArrayList<>(SHORT);
        o.add("family=" + family);
        o.add("algorithm=" + algorithm);
        o.add("steps=" + steps);
        return SequenceConfig.of(SequenceConfig.loadPreset("pendulum-po"), o);
    }

    @ParameterizedTest
    @CsvSource({"grsn, td3", "gru, sac", "spiking-transformer, td3"})
    void aResumedRunEndsExactlyWhereAnUninterruptedOneDoes(String family, String algorithm, @TempDir Path tmp)
            throws Exception {
        float[] straightActor;
        float[] straightCritic;
        SequenceTrainingRun.Result straight;
        try (SequenceTrainingRun run = SequenceTrainingRun.start(config(family, algorithm, "1536"), tmp.resolve("straight"))) {
            straight = run.run();
            straightActor = run.actor().parameters().values().clone();
            straightCritic = run.learner().criticParameters().values().clone();
        }
        Path dir = tmp.resolve("stopped");
        try (SequenceTrainingRun run = SequenceTrainingRun.start(config(family, algorithm, "768"), dir)) {
            run.run();
        }
        try (SequenceTrainingRun run = SequenceTrainingRun.resume(dir, List.of("steps=1536"))) {
            assertEquals(768, run.step());
            SequenceTrainingRun.Result r = run.run();
            assertEquals(straight.steps(), r.steps());
            assertEquals(straight.updates(), r.updates());
            assertArrayEquals(straightActor, run.actor().parameters().values(), family + "/" + algorithm + ": actor");
            assertArrayEquals(straightCritic, run.learner().criticParameters().values(), family + "/" + algorithm + ": critics");
            assertEquals(straight.evalReturn(), r.evalReturn(), family + "/" + algorithm + ": evaluation");
        }
        List<String> rows = Files.readAllLines(dir.resolve("metrics.csv"));
        assertEquals(1 + 4, rows.size(), "one header and an evaluation row every 384 steps across the stop: " + rows);
        assertTrue(rows.get(4).startsWith("1536,"), rows.get(4));
    }

    @Test
    void resumeRefusesWhatItCannotHonour(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        try (SequenceTrainingRun run = SequenceTrainingRun.start(config("mlp", "td3", "384"), dir)) {
            run.run();
        }
        String m = assertThrows(IllegalArgumentException.class,
                () -> SequenceTrainingRun.resume(dir, List.of("family=gru"))).getMessage();
        assertTrue(m.contains("'family'") && m.contains("steps"), m);
        m = assertThrows(IllegalArgumentException.class, () -> SequenceTrainingRun.resume(dir, List.of("steps=128")))
                .getMessage();
        assertTrue(m.contains("steps=128"), m);
        m = assertThrows(IllegalArgumentException.class, () -> SequenceTrainingRun.resume(tmp, List.of())).getMessage();
        assertTrue(m.contains("no checkpoint.bin"), m);
        m = assertThrows(IllegalArgumentException.class, () -> SequenceTrainingRun.start(config("mlp", "td3", "384"), dir))
                .getMessage();
        assertTrue(m.contains("--resume"), m);
    }
}
