package dev.myelin.launch.train;

import dev.myelin.bridge.experience.ExperienceSource;
import dev.myelin.launch.sim.MujocoTaskArguments;
import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.mpi.OpenMpi;
import dev.myelin.trainer.run.TrainConfig;
import dev.myelin.trainer.run.RealExperience;
import dev.myelin.trainer.run.TrainerProcess;
import dev.myelin.trainer.run.TrainingRun;
import dev.myelin.sim.Env;
import dev.myelin.sim.Tasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
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
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--preset", defaultValue = "pendulum", paramLabel = "NAME|FILE.yaml",
            description = "Configuration preset: pendulum, cartpole-swingup, diffdrive-nav, hopper, halfcheetah, walker2d, "
                    + "ant (TD3-PopSAN; NAME-sac for SAC), or a YAML file "
                    + "(default ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--out", paramLabel = "DIR", description = "Directory of a new run (config, checkpoint, metrics, curve).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its last checkpoint, exactly.")
    Path resume;

    @Option(names = "--task", paramLabel = "TASK|mjcf:PATH.xml", description = "Task (overrides the preset).")
    String task;

    @Option(names = "--task-spec", paramLabel = "SPEC.yaml", description = "Task spec of an mjcf:PATH.xml task.")
    Path taskSpec;

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

    @Option(names = "--finetune-from", paramLabel = "DIR",
            description = "Start a new run (--out) from the networks, optimizer and observation statistics of the run in DIR.")
    Path finetuneFrom;

    @Option(names = "--experience", paramLabel = "DIR|mqtt://HOST:PORT/FLEET",
            description = "Real robot transitions to mix into every batch: an experience folder (experience-ingest) "
                    + "or a live fleet on a broker.")
    String experience;

    @Option(names = "--experience-fraction", defaultValue = "0.25", paramLabel = "F",
            description = "Share of every batch drawn from the real transitions (default ${DEFAULT-VALUE}).")
    double experienceFraction;

    @Option(names = "--experience-wait", defaultValue = "5", paramLabel = "SECONDS",
            description = "For an mqtt:// source: how long to collect queued uploads before training (default ${DEFAULT-VALUE}).")
    double experienceWait;

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
        List<String> overrides = new ArrayList<>(MujocoTaskArguments.overrides(task, taskSpec));
        overrides.addAll(sets);
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
        Communicator comm = OpenMpi.fromEnvironment();
        RealExperience real = experience == null ? null : loadExperience(comm);
        TrainerProcess.Options options = new TrainerProcess.Options(preset, out, resume, overrides, quiet, finetuneFrom,
                real, experienceFraction);
        // reports a failure and aborts the whole MPI job, so no rank is left waiting in a collective
        return TrainerProcess.runOrAbort(options, comm, System.out, System.console() != null);
    }

    /** Reads the real transitions (every rank reads the same ones) in the task's observation and action layout. */
    private RealExperience loadExperience(Communicator comm) throws Exception {
        if (out == null) {
            throw new IllegalArgumentException("--experience needs a new run (--out DIR)");
        }
        TrainConfig config = finetuneFrom != null ? TrainingRun.savedConfig(finetuneFrom)
                : TrainConfig.of(TrainConfig.loadPreset(preset), sets);
        String task = config.task;
        RealExperience real;
        try (Env env = Tasks.env(config.taskSpec())) {
            real = new RealExperience(env.observationSpace().size(), env.actionSpace().size());
        }
        Path store = out.resolve("experience-r" + comm.rank());
        try (ExperienceSource source = ExperienceSource.open(experience, store)) {
            if (source.live() && experienceWait > 0) {
                Thread.sleep((long) (experienceWait * 1000));
            }
            RealExperienceLoader.Counts c = RealExperienceLoader.load(source.transitions(), real);
            if (comm.isRoot()) {
                System.out.printf(Locale.ROOT, "experience %s for %s: %s%n", experience, task, c.describe());
            }
        }
        return real;
    }
}
