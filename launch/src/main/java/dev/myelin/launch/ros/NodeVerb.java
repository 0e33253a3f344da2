package dev.myelin.launch.ros;

import dev.myelin.launch.Ros2Options;
import dev.myelin.ros2.Context;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * A verb of the {@code param} and {@code lifecycle} commands: the ROS 2 connection options, how
 * long to wait for the node's services, and the node it talks to as first argument.
 */
abstract class NodeVerb implements Callable<Integer> {
    @Mixin
    Ros2Options ros2;

    @Option(names = "--timeout", defaultValue = "5", paramLabel = "SECONDS",
            description = "How long to wait for the node's services (default ${DEFAULT-VALUE} s).")
    double timeout;

    @Parameters(index = "0", paramLabel = "NODE", description = "Node, e.g. /controller.")
    String node;

    @Override
    public final Integer call() throws Exception {
        try (Context ctx = ros2.open()) {
            return run(ctx, Duration.ofMillis((long) (timeout * 1000)));
        }
    }

    /** The verb's work; returns the exit code. */
    abstract int run(Context context, Duration timeout) throws Exception;

    /** A command made only of verbs: run without one, it names them. */
    abstract static class Group implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "name a verb: "
                    + String.join(", ", spec.subcommands().keySet()));
        }
    }
}
