package dev.myelin.trainer.run;

import dev.myelin.trainer.mpi.Communicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpoints resume exactly, survive kill -9 at any moment, and refuse what they cannot honour. */
class CheckpointTest {

    static final List<String> SMALL = List.of("actor.hidden=24,24", "critic.hidden=32,32", "start_steps=200",
            "update_after=200", "update_every=50", "eval_episodes=2", "replay_size=5000");

    static TrainConfig small(String... more) throws IOException {
        List<String> o = new ArrayList<>(SMALL);
        o.addAll(List.of(more));
        return TrainConfig.of(TrainConfig.loadPreset("pendulum"), o);
    }

    @Test
    void aResumedRunIsBitIdenticalToAnUninterruptedOne(@TempDir Path tmp) throws IOException {
        Path straight = tmp.resolve("straight");
        try (TrainingRun run = TrainingRun.start(small("steps=1000", "checkpoint_every=500", "eval_every=500"), straight,
                Communicator.single())) {
            run.run();
        }
        Path split = tmp.resolve("split");
        try (TrainingRun run = TrainingRun.start(small("steps=500", "checkpoint_every=500", "eval_every=500"), split,
                Communicator.single())) {
            run.run();
        }
        try (TrainingRun run = TrainingRun.resume(split, List.of("steps=1000"), Communicator.single())) {
            assertEquals(500, run.step());
            run.run();
        }
        CheckpointFile a = CheckpointFile.read(straight.resolve(TrainingRun.CHECKPOINT));
        CheckpointFile b = CheckpointFile.read(split.resolve(TrainingRun.CHECKPOINT));
        assertEquals(1000L, ((Number) a.header().get("step")).longValue());
        assertEquals(a.names(), b.names());
        int compared = 0;
        for (String name : a.names()) {
            if (name.startsWith("float.")) {
                assertArrayEquals(a.floats(name), b.floats(name), name + " differs after resume");
            } else if (name.startsWith("count.")) {
                assertArrayEquals(a.longs(name), b.longs(name), name + " differs after resume");
            } else if (name.equals("normalizer")) {
                assertArrayEquals(a.doubles(name), b.doubles(name), "normalizer differs after resume");
            } else {
                assertArrayEquals(a.bytes(name), b.bytes(name), name + " (random streams, action log) differs after resume");
            }
            compared++;
        }
        assertTrue(compared >= 10, "compared " + compared + " sections");
        // update phases of 50 updates at steps 200, 250, ..., 1000
        assertEquals(17 * 50, a.longs("count.updates")[0]);
        List<String> metrics = Files.readAllLines(split.resolve("metrics.csv"));
        assertEquals(3, metrics.size(), "header + rows at 500 and 1000: " + metrics);
        assertTrue(Files.size(split.resolve("curve.png")) > 1000);
    }

    @Test
    void resumeRefusesChangesThatWouldBreakIt(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("run");
        try (TrainingRun run = TrainingRun.start(small("steps=300", "checkpoint_every=300", "eval_every=300"), dir,
                Communicator.single())) {
            run.run();
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingRun.resume(dir, List.of("actor.hidden=64,64"), Communicator.single()));
        assertTrue(e.getMessage().contains("actor.hidden"), e.getMessage());
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
                () -> TrainingRun.start(small("steps=300"), dir, Communicator.single()));
        assertTrue(again.getMessage().contains("already holds a run"), again.getMessage());

        Path ck = dir.resolve(TrainingRun.CHECKPOINT);
        byte[] bytes = Files.readAllBytes(ck);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(ck, bytes);
        IOException damaged = assertThrows(IOException.class, () -> TrainingRun.resume(dir, List.of(), Communicator.single()));
        assertTrue(damaged.getMessage().contains("SHA-256 mismatch"), damaged.getMessage());
        Files.write(ck, Arrays.copyOf(bytes, 100));
        IOException truncated = assertThrows(IOException.class, () -> CheckpointFile.read(ck));
        assertTrue(truncated.getMessage().contains(ck.toString()), truncated.getMessage());
    }

    /**
     * A training process killed with SIGKILL at random moments (while it writes checkpoints every 50 steps)
     * always leaves a checkpoint that verifies and resumes.
     */
    @Test
    void killDashNineAtAnyMomentLeavesTheLastCheckpointValid(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        File log = tmp.resolve("train.log").toFile();
        List<String> settings = new ArrayList<>();
        for (String s : SMALL) {
            settings.add("--set");
            settings.add(s);
        }
        for (String s : List.of("steps=1000000", "checkpoint_every=50", "eval_every=1000000")) {
            settings.add("--set");
            settings.add(s);
        }
        SplittableRandom rnd = new SplittableRandom(17);
        long lastStep = -1;
        int kills = 0;
        for (int round = 0; round < 4; round++) {
            List<String> args = new ArrayList<>();
            if (round == 0) {
                args.addAll(List.of("--preset", "pendulum", "--out", dir.toString(), "--quiet"));
                args.addAll(settings);
            } else {
                args.addAll(List.of("--resume", dir.toString(), "--quiet"));
            }
            Process p = ChildJvm.trainer(args, log).start();
            try {
                // wait for the process to be checkpointing, then kill it at a random moment
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                Path ck = dir.resolve(TrainingRun.CHECKPOINT);
                long seen = lastStep;
                while (System.nanoTime() < deadline && p.isAlive()) {
                    if (Files.exists(ck)) {
                        long s = step(ck);
                        if (s > seen) {
                            break;
                        }
                    }
                    Thread.sleep(20);
                }
                assertTrue(p.isAlive(), "training exited early: " + Files.readString(log.toPath()));
                Thread.sleep(rnd.nextInt(50, 1200));
            } finally {
                p.destroyForcibly(); // SIGKILL
                p.waitFor(30, TimeUnit.SECONDS);
            }
            kills++;
            CheckpointFile c = CheckpointFile.read(dir.resolve(TrainingRun.CHECKPOINT));
            long s = ((Number) c.header().get("step")).longValue();
            assertEquals(0, s % 50, "checkpoints are taken every 50 steps");
            assertTrue(s > lastStep, "round " + round + ": the checkpoint advanced (" + lastStep + " -> " + s + ")");
            lastStep = s;
        }
        assertEquals(4, kills);
        // the survivor resumes and finishes
        try (TrainingRun run = TrainingRun.resume(dir, List.of("steps=" + (lastStep + 100)), Communicator.single())) {
            assertEquals(lastStep, run.step());
            assertEquals(lastStep + 100, run.run().steps());
        }
    }

    private static long step(Path ck) {
        try {
            return ((Number) CheckpointFile.read(ck).header().get("step")).longValue();
        } catch (IOException e) {
            return -1; // the file may be replaced between exists and read; the next poll sees it
        }
    }
}
