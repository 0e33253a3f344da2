package dev.myelin.launch.ros;

import dev.myelin.launch.Ros2Options;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.cli.NodeTool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code ./myelin node info NAME}. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "A node's subscribers, publishers, service servers and clients.")
final class NodeInfoCommand implements Callable<Integer> {
    @Mixin
    Ros2Options ros2;

    @Parameters(index = "0", paramLabel = "NAME", description = "Fully qualified node name, e.g. /robot1/controller.")
    String name;

    @Mixin
    SpinTime spinTime;

    @Override
    public Integer call() throws Exception {
        try (Context ctx = ros2.open()) {
            new NodeTool(ctx, System.out).info(name, spinTime.duration());
        }
        return 0;
    }
}
