package dev.myelin.trainer.mpi;

import dev.myelin.trainer.run.CheckpointFile;
import dev.myelin.trainer.run.TrainerProcess;
import dev.myelin.trainer.run.TrainingRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two ranks under Open MPI's mpirun on this machine: gradients averaged with MPI_Allreduce keep the
 * weights bit-identical on both ranks after thousands of updates, and together they learn the pendulum.
 */
class DataParallelTest {
    private static final Pattern DIGEST = Pattern.compile("rank (\\d) of 2: weights sha256 ([0-9a-f]{64})");

    static List<String> mpirun(int ranks, List<String> trainerArgs) {
        List<String> cmd = new ArrayList<>(List.of("mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none",
                "--tag-output",
                "-np", Integer.toString(ranks)));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        cmd.addAll(List.of(java, "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
                "-XX:+UseSerialGC", "-cp", cp, TrainerProcess.class.getName()));
        cmd.addAll(trainerArgs);
        return cmd;
    }

    static String run(List<String> cmd, Path log) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = p.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        String out = Files.readString(log);
        assertTrue(finished, "did not finish in time:\n" + out);
        assertEquals(0, p.exitValue(), "failed:\n" + out);
        return out;
    }

    static String digest(String out) {
        Matcher m = DIGEST.matcher(out);
        String[] digests = new String[2];
        while (m.find()) {
            digests[Integer.parseInt(m.group(1))] = m.group(2);
        }
        assertTrue(digests[0] != null && digests[1] != null, "both ranks report their weights:\n" + out);
        assertEquals(digests[0], digests[1], "weights differ between ranks");
        return digests[0];
    }

    /** A 2-rank run checkpointed halfway and resumed by 2 new ranks ends on the same weights as one that never stopped. */
    @Test
    void twoRanksResumeExactly(@TempDir Path tmp) throws Exception {
        List<String> small = new ArrayList<>();
        for (String s : List.of("actor.hidden=32,32", "critic.hidden=32,32", "start_steps=200", "update_after=200",
                "eval_every=300", "eval_episodes=2", "checkpoint_every=300")) {
            small.add("--set");
            small.add(s);
        }
        List<String> straight = new ArrayList<>(List.of("--preset", "pendulum", "--out", tmp.resolve("a").toString(), "--quiet",
                "--set", "steps=600"));
        straight.addAll(small);
        String a = digest(run(mpirun(2, straight), tmp.resolve("a.log")));
        List<String> half = new ArrayList<>(List.of("--preset", "pendulum", "--out", tmp.resolve("b").toString(), "--quiet",
                "--set", "steps=300"));
        half.addAll(small);
        run(mpirun(2, half), tmp.resolve("b1.log"));
        String b = digest(run(mpirun(2, List.of("--resume", tmp.resolve("b").toString(), "--quiet", "--set", "steps=600")),
                tmp.resolve("b2.log")));
        assertEquals(a, b, "resumed 2-rank run differs from the uninterrupted one");
    }

    @Test
    void twoRanksStayBitIdenticalAndLearnPendulum(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        File log = tmp.resolve("mpirun.log").toFile();
        List<String> args = new ArrayList<>(List.of("--preset", "pendulum", "--out", dir.toString(), "--quiet"));
        for (String s : List.of("steps=7000", "eval_every=7000", "checkpoint_every=3500", "actor.hidden=128,128",
                "critic.hidden=128,128")) {
            args.add("--set");
            args.add(s);
        }
        Process p = new ProcessBuilder(mpirun(2, args)).redirectErrorStream(true).redirectOutput(log).start();
        boolean finished = p.waitFor(20, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        String out = Files.readString(log.toPath());
        assertTrue(finished, "mpirun did not finish in time:\n" + out);
        assertEquals(0, p.exitValue(), "mpirun failed:\n" + out);
        Matcher m = DIGEST.matcher(out);
        String[] digests = new String[2];
        while (m.find()) {
            digests[Integer.parseInt(m.group(1))] = m.group(2);
        }
        assertTrue(digests[0] != null && digests[1] != null, "both ranks report their weights:\n" + out);
        assertEquals(digests[0], digests[1], "weights after 6000 updates differ between ranks");

        CheckpointFile ck = CheckpointFile.read(dir.resolve(TrainingRun.CHECKPOINT));
        assertEquals(2, ((Number) ck.header().get("ranks")).intValue());
        assertEquals(6050, ck.longs("count.updates")[0]);
        // both ranks' own state is in the checkpoint, and they explored differently
        assertNotEquals(java.util.Arrays.toString(ck.bytes("rank.0")), java.util.Arrays.toString(ck.bytes("rank.1")));
        double eval = ((Number) ck.header().get("eval_return")).doubleValue();
        assertTrue(eval >= -300, "2-rank TD3-PopSAN mean return over 10 episodes: " + eval + "\n" + out);
    }
}
