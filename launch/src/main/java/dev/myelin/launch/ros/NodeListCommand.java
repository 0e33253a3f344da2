package dev.myelin.launch.ros;

import dev.myelin.launch.Ros2Options;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.cli.NodeTool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code ./myelin node list [-a] [-c]}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the nodes announced on the domain.")
final class NodeListCommand implements Callable<Integer> {
    @Mixin
    Ros2Options ros2;

    @Option(names = {"-a", "--all"}, description = "Also nodes whose name starts with '_' (tools' own nodes).")
    boolean all;

    @Option(names = {"-c", "--count-nodes"}, description = "Only print how many nodes there are.")
    boolean count;

    @Mixin
    SpinTime spinTime;

    @Override
    public Integer call() throws Exception {
        try (Context ctx = ros2.open()) {
            new NodeTool(ctx, System.out).list(all, count, spinTime.duration());
        }
        return 0;
    }
}
