package dev.myelin.launch.sim;

import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.Variant;
import dev.myelin.sim.random.RandomizationSpec;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The options that pick a simulated task, shared by the {@code sim-*} commands and {@code eval}. */
public final class SimTaskOptions {

    @Option(names = "--task", required = true, paramLabel = "TASK",
            description = "Task: pendulum, cartpole-swingup, diffdrive-nav, multi-diffdrive, hopper, halfcheetah, "
                    + "walker2d, ant, or mjcf:PATH.xml with --task-spec.")
    public String task;

    @Option(names = "--task-spec", paramLabel = "SPEC.yaml",
            description = "Observation, action, reward and termination of an mjcf:PATH.xml task.")
    Path taskSpec;

    @Option(names = "--options", paramLabel = "K=V[,K=V]",
            description = "Task options, e.g. beams=64,robots=4,obstacles=12 (navigation tasks).")
    String options;

    @Option(names = "--observation", paramLabel = "VARIANT",
            description = "Observation variant: position-only, velocity-only, dropout=P, delay=K (comma-chained).")
    String observation;

    @Option(names = "--randomization", paramLabel = "FILE",
            description = "Domain-randomization spec (YAML) applied to every episode.")
    Path randomization;

    /** The spec for {@code variant}. */
    public TaskSpec spec(Variant variant) throws IOException {
        TaskSpec spec = MujocoTaskArguments.spec(task, taskSpec).withOptions(options).withObservation(observation)
                .withVariant(variant);
        if (randomization != null) {
            if (!Files.isRegularFile(randomization)) {
                throw new IllegalArgumentException("--randomization: no such file " + randomization);
            }
            spec = spec.withRandomization(RandomizationSpec.load(randomization));
        }
        return spec;
    }
}
