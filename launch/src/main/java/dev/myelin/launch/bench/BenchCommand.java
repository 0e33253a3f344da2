package dev.myelin.launch.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ./myelin bench <what>}: benchmarks that print figures and optionally write JSON. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Run a benchmark and print its figures (--json FILE writes them).",
        subcommands = {
                BenchSimCommand.class,
                BenchMujocoCommand.class,
                BenchRos2Command.class,
                BenchPolicyCommand.class,
                BenchTrainCommand.class,
                BenchBundleCommand.class,
                BenchLoopCommand.class,
                BenchOtaCommand.class,
                BenchBagCommand.class,
        })
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a benchmark: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
