package dev.myelin.launch;

import dev.myelin.ros2.Context;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;

/** Connection options and the wait for a node's services, shared by the {@code param} and {@code lifecycle} verbs. */
final class Ros2CallOptions {
    @Mixin
    Ros2Options ros2;

    @Option(names = "--timeout", defaultValue = "5", paramLabel = "SECONDS",
            description = "How long to wait for the node's services (default ${DEFAULT-VALUE} s).")
    double timeout;

    Context open() {
        return ros2.open();
    }

    Duration timeout() {
        return Duration.ofMillis((long) (timeout * 1000));
    }
}
