package dev.myelin.launch.ros;

import dev.myelin.launch.Ros2Options;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.cli.TopicTool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code ./myelin topic list [-t] [-v]}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the topics discovered on the domain.")
final class TopicListCommand implements Callable<Integer> {
    @Mixin
    Ros2Options ros2;

    @Option(names = {"-t", "--show-types"}, description = "Show each topic's type.")
    boolean types;

    @Option(names = {"-v", "--verbose"}, description = "Publisher and subscription counts per topic.")
    boolean verbose;

    @Mixin
    SpinTime spinTime;

    @Override
    public Integer call() throws Exception {
        try (Context ctx = ros2.open()) {
            new TopicTool(ctx, System.out).list(types, verbose, spinTime.duration());
        }
        return 0;
    }
}
