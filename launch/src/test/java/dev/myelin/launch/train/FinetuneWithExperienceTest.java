package dev.myelin.launch.train;

import dev.myelin.bridge.experience.ExperienceBatch;
import dev.myelin.bridge.experience.ExperienceStore;
import dev.myelin.bridge.experience.ExperienceTransition;
import dev.myelin.sim.Env;
import dev.myelin.sim.Tasks;
import dev.myelin.trainer.run.RealExperience;
import dev.myelin.trainer.run.TrainConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./myelin train --finetune-from RUN --experience DIR}: robots' uploaded steps become training
 * transitions (next observation = the robot's next step) and are mixed into a run that continues the
 * source run's learning.
 */
class FinetuneWithExperienceTest {

    static final String[] SMALL = {"--set", "actor.hidden=24,24", "--set", "critic.hidden=32,32", "--set", "start_steps=200",
            "--set", "update_after=200", "--set", "update_every=50", "--set", "eval_episodes=2", "--set", "replay_size=5000"};

    /** Pendulum steps recorded by robot {@code robot}, split over two segments of one outbox, the way the outbox uploads them. */
    static List<ExperienceBatch> recorded(String robot, int steps, long seed) throws IOException {
        List<ExperienceTransition> all = new ArrayList<>();
        try (Env env = Tasks.env(TrainConfig.of(TrainConfig.loadPreset("pendulum"), List.of()).taskSpec())) {
            float[] o = env.reset(seed).clone();
            long time = 1_000_000L;
            int half = steps / 2;
            for (int t = 0; t < steps; t++) {
                float[] a = {(float) Math.max(-2, Math.min(2, -2 * o[2]))};
                var s = env.step(a);
                boolean done = s.terminated() || s.truncated();
                long segment = t < half ? 0 : 1;
                int index = t < half ? t : t - half;
                all.add(new ExperienceTransition(robot, 7L, segment, index, time, 1L, o, a, s.reward(), done));
                time += 50_000_000L;
                o = done ? env.reset().clone() : s.observation().clone();
            }
        }
        return List.of(new ExperienceBatch(robot, 7L, 0, 0, all.subList(0, steps / 2)),
                new ExperienceBatch(robot, 7L, 1, 0, all.subList(steps / 2, steps)));
    }

    @Test
    void finetuningMixesStoredRobotExperienceIntoANewRunFromTheSourceRun(@TempDir Path tmp) throws Exception {
        Path store = tmp.resolve("experience");
        ExperienceStore s = ExperienceStore.open(store);
        for (ExperienceBatch b : recorded("r1", 300, 5)) {
            s.add(b);
        }
        for (ExperienceBatch b : recorded("r2", 200, 6)) {
            s.add(b);
        }
        Path source = tmp.resolve("source");
        List<String> args = new ArrayList<>(List.of(SMALL));
        args.addAll(List.of("--preset", "pendulum", "--steps", "400", "--set", "eval_every=400", "--set", "checkpoint_every=400",
                "--quiet", "--out", source.toString()));
        assertEquals(0, run(args).code);

        Run r = run(List.of("--finetune-from", source.toString(), "--experience", store.toString(), "--experience-fraction", "0.3",
                "--steps", "200", "--set", "start_steps=0", "--set", "update_after=0", "--set", "eval_every=200",
                "--set", "checkpoint_every=200", "--quiet", "--out", tmp.resolve("tuned").toString()));
        assertEquals(0, r.code, r.out);
        // every step has a reward and a successor or ends its episode, across the segment boundary too; only r1's
        // last step (mid-episode, nothing recorded after it) cannot be used (r2's 200 steps end a pendulum episode)
        assertTrue(r.out.contains("500 recorded steps: 499 used, 0 without a reward, 0 with non-finite values, "
                + "1 without a recorded next step"), r.out);
        assertTrue(r.out.contains("real experience: 499 transitions, 30 of every 100 batch rows"), r.out);
        assertTrue(Files.readString(tmp.resolve("tuned/finetune.yaml")).contains("source_step: 400"));
    }

    @Test
    void stepsWithoutARewardOrASuccessorAreCountedNotGuessed() throws IOException {
        List<ExperienceTransition> ts = new ArrayList<>(recorded("r1", 10, 1).get(0).transitions());
        ExperienceTransition t2 = ts.get(2);
        ts.set(2, new ExperienceTransition(t2.robot(), t2.outboxId(), t2.segment(), t2.index(), t2.timeNanos(), t2.policyTag(),
                t2.observation(), t2.action(), Float.NaN, t2.done()));
        ts.remove(4); // a lost step: step 3 has no recorded successor
        RealExperience into = new RealExperience(3, 1);
        RealExperienceLoader.Counts c = RealExperienceLoader.load(ts, into);
        // steps 0..3 remain: 0 -> 1 and 1 -> 2 are used, 2 has no reward, 3 lost its successor
        assertEquals(4, c.read());
        assertEquals(1, c.noReward());
        assertEquals(1, c.noSuccessor(), c.describe());
        assertEquals(2, c.used());
        assertEquals(2, into.size());

        ExperienceTransition bad = new ExperienceTransition("r9", 1, 0, 0, 0, 1, new float[5], new float[1], 0f, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RealExperienceLoader.load(List.of(bad), new RealExperience(3, 1)));
        assertTrue(e.getMessage().contains("robot r9") && e.getMessage().contains("5 observations"), e.getMessage());
    }

    record Run(int code, String out) {
    }

    static Run run(List<String> args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        int code;
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            code = new CommandLine(new TrainCommand()).execute(args.toArray(String[]::new));
        } finally {
            System.setOut(old);
        }
        return new Run(code, buf.toString(StandardCharsets.UTF_8));
    }
}
