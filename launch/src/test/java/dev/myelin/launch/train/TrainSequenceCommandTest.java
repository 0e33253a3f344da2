package dev.myelin.launch.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./myelin train-seq}: a SAC run, its resume to a longer budget, and its export; wrong combinations and
 * overrides a resume cannot take (bare or as {@code --set}) refused.
 */
class TrainSequenceCommandTest {

    @Test
    void trainsWithSacResumesAndExports(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        Run first = run("--preset", "pendulum-po", "family=grsn", "algorithm=sac", "steps=384", "start_steps=128",
                "update_after=128", "updates_per_period=4", "batch_size=4", "eval_every=384", "eval_episodes=1", "--out",
                dir.toString());
        assertEquals(0, first.code(), first.out());
        assertTrue(first.out().contains("family grsn, sac, 384 steps"), first.out());
        Run again = run("--resume", dir.toString(), "steps=768");
        assertEquals(0, again.code(), again.out());
        assertTrue(again.out().contains("resuming " + dir + " at step 384 of 768"), again.out());
        assertTrue(again.out().contains("done: 768 steps"), again.out());
        assertEquals(3, Files.readAllLines(dir.resolve("metrics.csv")).size(), "header and two evaluations");
        Path bundle = tmp.resolve("pend.myl");
        Run export = run("--export", dir.toString(), "--out", bundle.toString());
        assertEquals(0, export.code(), export.out());
        assertTrue(export.out().contains("wrote " + bundle + ": grsn network"), export.out());
        assertTrue(Files.size(bundle) > 0);

        Run refused = run("--resume", dir.toString(), "family=gru");
        assertEquals(1, refused.code());
        assertTrue(refused.out().contains("cannot change 'family'"), refused.out());
        refused = run("--resume", dir.toString(), "--set", "history=2");
        assertEquals(1, refused.code());
        assertTrue(refused.out().contains("cannot change 'history'"), refused.out());
        refused = run("--resume", dir.toString(), "--out", tmp.resolve("x").toString());
        assertEquals(1, refused.code());
        assertTrue(refused.out().contains("--resume"), refused.out());
        refused = run("--preset", "pendulum-po", "algorithm=ppo", "--out", tmp.resolve("y").toString());
        assertEquals(1, refused.code());
        assertTrue(refused.out().contains("algorithm: unknown algorithm 'ppo'"), refused.out());
    }

    record Run(int code, String out) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        PrintStream oldErr = System.err;
        int code;
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            System.setErr(ps);
            CommandLine cl = new CommandLine(new TrainSequenceCommand());
            cl.setErr(new java.io.PrintWriter(ps, true));
            code = cl.execute(args);
        } finally {
            System.setOut(old);
            System.setErr(oldErr);
        }
        return new Run(code, buf.toString(StandardCharsets.UTF_8));
    }
}
