package dev.myelin.launch.ros;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.cli.LifecycleTool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.time.Duration;

/** {@code ./myelin lifecycle <verb>}: the {@code ros2 lifecycle} tools over a managed node's services. */
@Command(name = "lifecycle", mixinStandardHelpOptions = true,
        description = "Inspect and drive managed nodes like 'ros2 lifecycle': get, set, list.",
        subcommands = {LifecycleCommand.Get.class, LifecycleCommand.Set.class, LifecycleCommand.List.class})
public final class LifecycleCommand extends NodeVerb.Group {

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Print the node's state.")
    static final class Get extends NodeVerb {
        @Override
        int run(Context ctx, Duration timeout) throws Exception {
            new LifecycleTool(ctx, System.out, timeout).get(node);
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Trigger a transition (label or id).")
    static final class Set extends NodeVerb {
        @Parameters(index = "1", paramLabel = "TRANSITION", description = "configure, activate, deactivate, shutdown, or an id.")
        String transition;

        @Override
        int run(Context ctx, Duration timeout) throws Exception {
            return new LifecycleTool(ctx, System.out, timeout).set(node, transition);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the transitions available now.")
    static final class List extends NodeVerb {
        @Override
        int run(Context ctx, Duration timeout) throws Exception {
            new LifecycleTool(ctx, System.out, timeout).list(node);
            return 0;
        }
    }
}
