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

/** {@code ./myelin topic echo TOPIC [TYPE]}. */
@Command(name = "echo", mixinStandardHelpOptions = true, description = "Print the messages of a topic as YAML.")
final class TopicEchoCommand implements Callable<Integer> {
    @Mixin
    Ros2Options ros2;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name, e.g. /odom.")
    String topic;

    @Parameters(index = "1", arity = "0..1", paramLabel = "TYPE",
            description = "Message type, e.g. nav_msgs/msg/Odometry (default: the publishers' type).")
    String type;

    @Option(names = "--once", description = "Print one message and exit.")
    boolean once;

    @Option(names = "--times", paramLabel = "N", description = "Print N messages and exit.")
    Integer times;

    @Option(names = "--qos-profile", paramLabel = "PROFILE",
            description = "default, sensor_data or transient_local (default: adapt to the publishers).")
    String qosProfile;

    @Option(names = "--timeout", defaultValue = "10", paramLabel = "SECONDS",
            description = "Wait this long for a publisher (and, with --once/--times, for the messages; default ${DEFAULT-VALUE} s).")
    double timeout;

    @Option(names = "--flow", description = "One line of flow-style YAML per message.")
    boolean flow;

    @Override
    public Integer call() throws Exception {
        int count = once ? 1 : times != null ? times : 0;
        if (count < 0) {
            throw new IllegalArgumentException("--times must not be negative");
        }
        Qos qos = qosProfile == null ? null : Qos.profile(qosProfile);
        try (Context ctx = ros2.open()) {
            int printed = new TopicTool(ctx, System.out).echo(topic, type, qos, count,
                    Duration.ofMillis((long) (timeout * 1000)), flow);
            if (count > 0 && printed < count) {
                System.err.println("myelin topic echo: " + printed + " of " + count + " messages within " + timeout + " s");
                return 1;
            }
        }
        return 0;
    }
}
