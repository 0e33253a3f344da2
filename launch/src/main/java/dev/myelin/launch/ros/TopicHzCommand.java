package dev.myelin.launch.ros;

import dev.myelin.launch.Ros2Options;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.cli.TopicTool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code ./myelin topic hz TOPIC}. */
@Command(name = "hz", mixinStandardHelpOptions = true, description = "Print the rate at which a topic is received.")
final class TopicHzCommand implements Callable<Integer> {
    @Mixin
    Ros2Options ros2;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name, e.g. /scan.")
    String topic;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TYPE", description = "Message type (default: the publishers' type).")
    String type;

    @Option(names = {"-w", "--window"}, defaultValue = "10000", paramLabel = "N",
            description = "Messages the statistics cover (default ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this long (default: run until interrupted).")
    Double duration;

    @Override
    public Integer call() throws Exception {
        try (Context ctx = ros2.open()) {
            new TopicTool(ctx, System.out).hz(topic, type, window,
                    duration == null ? Duration.ZERO : Duration.ofMillis((long) (duration * 1000)));
        }
        return 0;
    }
}
