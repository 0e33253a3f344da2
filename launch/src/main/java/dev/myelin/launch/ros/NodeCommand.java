package dev.myelin.launch.ros;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ./myelin node <verb>}: the {@code ros2 node} tools on Myelin's own ROS 2 client. */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = "List ROS 2 nodes and what they publish, subscribe to and serve, like 'ros2 node': list, info.",
        subcommands = {
                NodeListCommand.class,
                NodeInfoCommand.class,
        })
public final class NodeCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a verb: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
