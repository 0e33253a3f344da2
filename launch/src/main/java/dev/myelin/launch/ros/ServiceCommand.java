package dev.myelin.launch.ros;

import dev.myelin.launch.Ros2Options;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.cli.ServiceTool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code ./myelin service <verb>}: the {@code ros2 service} tools (rmw_cyclonedds's service wire format). */
@Command(name = "service", mixinStandardHelpOptions = true,
        description = "List and call ROS 2 services like 'ros2 service': list, call.",
        subcommands = {ServiceCommand.List.class, ServiceCommand.Call.class})
public final class ServiceCommand extends NodeVerb.Group {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the services discovered on the domain.")
    static final class List implements Callable<Integer> {
        @Mixin
        Ros2Options ros2;

        @Option(names = {"-t", "--show-types"}, description = "Show each service's type.")
        boolean types;

        @Mixin
        SpinTime spinTime;

        @Override
        public Integer call() throws Exception {
            try (Context ctx = ros2.open()) {
                new ServiceTool(ctx, System.out).list(types, spinTime.duration());
            }
            return 0;
        }
    }

    @Command(name = "call", mixinStandardHelpOptions = true, description = "Call a service with a request given as YAML.")
    static final class Call implements Callable<Integer> {
        @Mixin
        Ros2Options ros2;

        @Parameters(index = "0", paramLabel = "NAME", description = "Service name, e.g. /controller/get_parameters.")
        String name;

        @Parameters(index = "1", paramLabel = "TYPE", description = "Service type, e.g. rcl_interfaces/srv/GetParameters.")
        String type;

        @Parameters(index = "2", arity = "0..1", paramLabel = "YAML", description = "Request, e.g. '{names: [rate_hz]}'.")
        String values;

        @Option(names = "--timeout", defaultValue = "5", paramLabel = "SECONDS",
                description = "How long to wait for the service and the reply (default ${DEFAULT-VALUE} s).")
        double timeout;

        @Override
        public Integer call() throws Exception {
            try (Context ctx = ros2.open()) {
                return new ServiceTool(ctx, System.out).call(name, type, values, Duration.ofMillis((long) (timeout * 1000)));
            }
        }
    }
}
