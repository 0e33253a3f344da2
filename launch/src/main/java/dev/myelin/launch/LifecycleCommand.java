package dev.myelin.launch;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.cli.LifecycleTool;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code ./myelin lifecycle <verb>}: the {@code ros2 lifecycle} tools over a managed node's services. */
@Command(name = "lifecycle", mixinStandardHelpOptions = true,
        description = "Inspect and drive managed nodes like 'ros2 lifecycle': get, set, list.",
        subcommands = {LifecycleCommand.Get.class, LifecycleCommand.Set.class, LifecycleCommand.List.class})
final class LifecycleCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a verb: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Print the node's state.")
    static final class Get implements Callable<Integer> {
        @Mixin
        Ros2CallOptions common;

        @Parameters(index = "0", paramLabel = "NODE")
        String node;

        @Override
        public Integer call() throws Exception {
            try (Context ctx = common.open()) {
                new LifecycleTool(ctx, System.out, common.timeout()).get(node);
            }
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Trigger a transition (label or id).")
    static final class Set implements Callable<Integer> {
        @Mixin
        Ros2CallOptions common;

        @Parameters(index = "0", paramLabel = "NODE")
        String node;

        @Parameters(index = "1", paramLabel = "TRANSITION", description = "configure, activate, deactivate, shutdown, or an id.")
        String transition;

        @Override
        public Integer call() throws Exception {
            try (Context ctx = common.open()) {
                return new LifecycleTool(ctx, System.out, common.timeout()).set(node, transition);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the transitions available now.")
    static final class List implements Callable<Integer> {
        @Mixin
        Ros2CallOptions common;

        @Parameters(index = "0", paramLabel = "NODE")
        String node;

        @Override
        public Integer call() throws Exception {
            try (Context ctx = common.open()) {
                new LifecycleTool(ctx, System.out, common.timeout()).list(node);
            }
            return 0;
        }
    }
}
