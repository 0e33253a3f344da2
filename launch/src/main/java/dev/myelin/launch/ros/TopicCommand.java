package dev.myelin.launch.ros;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ./myelin topic <verb>}: the {@code ros2 topic} tools on Myelin's own ROS 2 client. */
@Command(name = "topic", mixinStandardHelpOptions = true,
        description = "Inspect and poke ROS 2 topics like 'ros2 topic': list, info, echo, pub, hz.",
        subcommands = {
                TopicListCommand.class,
                TopicInfoCommand.class,
                TopicEchoCommand.class,
                TopicPubCommand.class,
                TopicHzCommand.class,
        })
public final class TopicCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a verb: "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
