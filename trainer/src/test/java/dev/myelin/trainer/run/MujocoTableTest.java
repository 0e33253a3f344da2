package dev.myelin.trainer.run;

import dev.myelin.sim.Actor;
import dev.myelin.sim.Env;
import dev.myelin.sim.Evaluation;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.trainer.mpi.Communicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The papers' table: TD3-PopSAN on the MuJoCo locomotion tasks at a step budget over several seeds,
 * reported as PopSAN does (best evaluation per seed, averaged) next to the final evaluation and the
 * wall-clock per 100k steps. Hours on two cores, so it runs only when asked:
 * <pre>
 *   ./myelin test -pl trainer -Dtest=MujocoTableTest -Dmyelin.longTests=true -Dsurefire.failIfNoSpecifiedTests=false \
 *       [-Dmyelin.mujoco.tasks=hopper,halfcheetah] [-Dmyelin.mujoco.seeds=3] [-Dmyelin.mujoco.steps=100000]
 * </pre>
 * The table goes to {@code trainer/target/mujoco-table.md}. Each run must beat the random policy.
 */
@EnabledIfSystemProperty(named = "myelin.longTests", matches = "true")
class MujocoTableTest {

    @Test
    void td3PopSanOnTheLocomotionTasks() throws IOException {
        List<String> tasks = List.of(System.getProperty("myelin.mujoco.tasks", "halfcheetah,hopper,walker2d,ant").split(","));
        int seeds = Integer.getInteger("myelin.mujoco.seeds", 3);
        long steps = Long.getLong("myelin.mujoco.steps", 100_000L);
        Path root = Files.createTempDirectory("mujoco-table");
        List<String> rows = new ArrayList<>();
        rows.add("| task | steps | seeds | best eval (mean over seeds) | final eval (mean) | random | wall-clock per 100k steps |");
        rows.add("|---|---|---|---|---|---|---|");
        for (String task : tasks) {
            double random;
            try (Env env = Tasks.env(TaskSpec.of(task))) {
                random = Evaluation.run(env, Actor.uniform(env.actionSpace(), 1), 10, 7).meanReturn();
            }
            double best = 0;
            double last = 0;
            double seconds = 0;
            for (int seed = 1; seed <= seeds; seed++) {
                TrainConfig c = TrainConfig.of(TrainConfig.loadPreset(task), List.of("steps=" + steps, "seed=" + seed,
                        "eval_every=10000", "checkpoint_every=50000"));
                Path dir = root.resolve(task + "-" + seed);
                try (TrainingRun run = TrainingRun.start(c, dir, Communicator.single())) {
                    run.progress(System.out, false);
                    TrainingRun.Result r = run.run();
                    double runBest = bestEval(dir.resolve("metrics.csv"));
                    assertTrue(runBest > random, task + " seed " + seed + ": best " + runBest + " vs random " + random);
                    best += runBest / seeds;
                    last += r.evalReturn() / seeds;
                    seconds += r.seconds() / seeds;
                }
            }
            rows.add(String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %.0f | %.0f | %.0f s |", task, steps, seeds, best,
                    last, random, seconds * 100_000 / steps));
        }
        String table = String.join("\n", rows) + "\n";
        System.out.print(table);
        Files.writeString(Path.of("target", "mujoco-table.md"), table);
    }

    /** The largest eval_return in a run's metrics (PopSAN's max-reward protocol). */
    static double bestEval(Path metrics) throws IOException {
        List<String> lines = Files.readAllLines(metrics);
        int col = List.of(lines.getFirst().split(",")).indexOf("eval_return");
        double best = Double.NEGATIVE_INFINITY;
        for (String line : lines.subList(1, lines.size())) {
            best = Math.max(best, Double.parseDouble(line.split(",")[col]));
        }
        return best;
    }
}
