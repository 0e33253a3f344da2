package dev.myelin.launch;

import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.mpi.OpenMpi;
import dev.myelin.trainer.run.TrainConfig;
import dev.myelin.trainer.run.TrainerProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./myelin train}: trains a spiking policy (TD3 or SAC with PopSAN's actor) from a preset, or
 * resumes a run. Under {@code mpirun} every rank runs this command and they train data-parallel.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a population-coded spiking policy in simulation (TD3/SAC), or resume a run.",
                "Data-parallel: mpirun --allow-run-as-root --oversubscribe --bind-to none -np N ./myelin train ...",
                "(run ./myelin build once first, so the ranks do not build at the same time)."})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--preset", defaultValue = "pendulum", paramLabel = "NAME|FILE.yaml",
            description = "Configuration preset: pendulum, cartpole-swingup, diffdrive-nav, or a YAML file "
                    + "(default ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--out", paramLabel = "DIR", description = "Directory of a new run (config, checkpoint, metrics, curve).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its last checkpoint, exactly.")
    Path resume;

    @Option(names = "--steps", paramLabel = "N", description = "Environment steps per rank (overrides the preset).")
    Long steps;

    @Option(names = "--seed", paramLabel = "N", description = "Seed (overrides the preset).")
    Long seed;

    @Option(names = "--algorithm", paramLabel = "td3|sac", description = "Learning algorithm (overrides the preset).")
    String algorithm;

    @Option(names = "--precision", paramLabel = "fp32|fp16|bf16",
            description = "Compute precision of the updates; fp16 uses dynamic loss scaling (overrides the preset).")
    String precision;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override any setting, e.g. --set actor.hidden=128,128.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Option(names = "--list-presets", description = "List the presets and exit.")
    boolean listPresets;

    @Override
    public Integer call() throws Exception {
        if (listPresets) {
            TrainConfig.presets().forEach(System.out::println);
            return 0;
        }
        List<String> overrides = new ArrayList<>(sets);
        if (steps != null) {
            overrides.add("steps=" + steps);
        }
        if (seed != null) {
            overrides.add("seed=" + seed);
        }
        if (algorithm != null) {
            overrides.add("algorithm=" + algorithm);
        }
        if (precision != null) {
            overrides.add("precision=" + precision);
        }
        TrainerProcess.Options options = new TrainerProcess.Options(preset, out, resume, overrides, quiet);
        Communicator comm = OpenMpi.fromEnvironment();
        // reports a failure and aborts the whole MPI job, so no rank is left waiting in a collective
        return TrainerProcess.runOrAbort(options, comm, System.out, System.console() != null);
    }
}
