package dev.myelin.launch.train;

import dev.myelin.trainer.seq.SequenceActors;
import dev.myelin.trainer.seq.SequenceComparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./myelin compare}: trains every (task, family, seed) cell of the memory comparison with
 * sequence TD3 (or SAC), evaluates it and estimates its energy per decision; writes results.json and table.md.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare policy families (popsan, grsn, spiking-transformer, gru, mlp) on position-only pendulum "
                + "and cart-pole swing-up and on multi-diffdrive: returns after a fixed step budget and energy per decision.",
                "Writes OUT/results.json, OUT/table.md and one run directory per cell under OUT/runs."})
public final class CompareCommand implements Callable<Integer> {

    @Option(names = "--steps-scale", defaultValue = "1", paramLabel = "F",
            description = "Multiply every preset's step budget by F (default ${DEFAULT-VALUE}).")
    double stepsScale;

    @Option(names = "--seeds", defaultValue = "1", paramLabel = "N", description = "Seeds 1..N per cell (default ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--out", defaultValue = "compare-out", paramLabel = "DIR", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--families", split = ",", paramLabel = "F,...",
            description = "Families to compare (default: popsan, grsn, spiking-transformer, gru, mlp).")
    List<String> families = new ArrayList<>(SequenceActors.FAMILIES);

    @Option(names = "--tasks", split = ",", paramLabel = "T,...",
            description = "Task presets (default: pendulum-po, cartpole-swingup-po, multi-diffdrive).")
    List<String> tasks = new ArrayList<>(SequenceComparison.TASKS);

    @Option(names = "--algorithms", split = ",", paramLabel = "A,...",
            description = "Sequence learners per family: td3, sac (default td3).")
    List<String> algorithms = new ArrayList<>(List.of("td3"));

    @Option(names = "--eval-episodes", defaultValue = "10", paramLabel = "N",
            description = "Final evaluation episodes per cell (default ${DEFAULT-VALUE}).")
    int evalEpisodes;

    @Override
    public Integer call() throws Exception {
        SequenceComparison.Plan plan = new SequenceComparison.Plan(tasks, families, algorithms, seeds, stepsScale, evalEpisodes,
                out);
        List<SequenceComparison.Cell> cells = SequenceComparison.run(plan, System.out);
        System.out.println();
        System.out.print(java.nio.file.Files.readString(out.resolve("table.md")));
        System.out.println("wrote " + out.resolve("results.json") + " and " + out.resolve("table.md") + " (" + cells.size()
                + " cells)");
        return 0;
    }
}
