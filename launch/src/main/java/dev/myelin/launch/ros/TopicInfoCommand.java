package dev.myelin.launch.ros;

import dev.myelin.launch.Ros2Options;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.cli.TopicTool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code ./myelin topic info TOPIC [-v]}. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "A topic's type, publishers and subscriptions.")
final class TopicInfoCommand implements Callable<Integer> {
    @Mixin
    Ros2Options ros2;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name, e.g. /cmd_vel.")
    String topic;

    @Option(names = {"-v", "--verbose"}, description = "Every endpoint with its QoS.")
    boolean verbose;

    @Mixin
    SpinTime spinTime;

    @Override
    public Integer call() throws Exception {
        try (Context ctx = ros2.open()) {
            new TopicTool(ctx, System.out).info(topic, verbose, spinTime.duration());
        }
        return 0;
    }
}
