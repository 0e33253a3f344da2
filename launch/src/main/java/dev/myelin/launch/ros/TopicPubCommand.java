package dev.myelin.launch.ros;

import dev.myelin.launch.Ros2Options;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.cli.TopicTool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code ./myelin topic pub TOPIC TYPE 'YAML' [--rate HZ] [--times N]}. */
@Command(name = "pub", mixinStandardHelpOptions = true, description = "Publish a message given as YAML.")
final class TopicPubCommand implements Callable<Integer> {
    @Mixin
    Ros2Options ros2;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name, e.g. /cmd_vel.")
    String topic;

    @Parameters(index = "1", paramLabel = "TYPE", description = "Message type, e.g. geometry_msgs/msg/Twist.")
    String type;

    @Parameters(index = "2", arity = "0..1", paramLabel = "YAML",
            description = "Values, e.g. '{linear: {x: 0.2}}' (default: all fields at their defaults).")
    String values;

    @Option(names = {"-r", "--rate"}, defaultValue = "1", paramLabel = "HZ", description = "Publishing rate (default ${DEFAULT-VALUE} Hz).")
    double rate;

    @Option(names = {"-t", "--times"}, paramLabel = "N", description = "Publish N messages, then exit.")
    Integer times;

    @Option(names = {"-1", "--once"}, description = "Publish one message, then exit.")
    boolean once;

    @Option(names = "--qos-profile", defaultValue = "default", paramLabel = "PROFILE",
            description = "default, sensor_data or transient_local (default ${DEFAULT-VALUE}).")
    String qosProfile;

    @Option(names = {"-w", "--wait-matching-subscriptions"}, paramLabel = "N",
            description = "Wait for N matching subscriptions first (default: 1 with --once/--times, else 0).")
    Integer waitMatching;

    @Option(names = "--wait-timeout", defaultValue = "10", paramLabel = "SECONDS",
            description = "How long to wait for them (default ${DEFAULT-VALUE} s).")
    double waitTimeout;

    @Override
    public Integer call() throws Exception {
        int count = once ? 1 : times != null ? times : 0;
        if (count < 0) {
            throw new IllegalArgumentException("--times must not be negative");
        }
        int wait = waitMatching != null ? waitMatching : count > 0 ? 1 : 0;
        try (Context ctx = ros2.open()) {
            new TopicTool(ctx, System.out).pub(topic, type, values, rate, count, Qos.profile(qosProfile), wait,
                    Duration.ofMillis((long) (waitTimeout * 1000)));
        }
        return 0;
    }
}
