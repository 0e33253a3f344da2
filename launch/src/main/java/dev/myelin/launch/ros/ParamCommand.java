package dev.myelin.launch.ros;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.cli.ParamTool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** {@code ./myelin param <verb>}: the {@code ros2 param} tools over a node's parameter services. */
@Command(name = "param", mixinStandardHelpOptions = true,
        description = "Read and change node parameters like 'ros2 param': list, get, set, dump.",
        subcommands = {ParamCommand.List.class, ParamCommand.Get.class, ParamCommand.Set.class, ParamCommand.Dump.class})
public final class ParamCommand extends NodeVerb.Group {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a node's parameters.")
    static final class List extends NodeVerb {
        @Override
        int run(Context ctx, Duration timeout) throws Exception {
            new ParamTool(ctx, System.out, timeout).list(node);
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Print a parameter's value.")
    static final class Get extends NodeVerb {
        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Override
        int run(Context ctx, Duration timeout) throws Exception {
            return new ParamTool(ctx, System.out, timeout).get(node, name);
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set a parameter; the node validates it and says why when it refuses.")
    static final class Set extends NodeVerb {
        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Parameters(index = "2", paramLabel = "VALUE", description = "As YAML: true, 3, 0.5, text, [a, b].")
        String value;

        @Override
        int run(Context ctx, Duration timeout) throws Exception {
            return new ParamTool(ctx, System.out, timeout).set(node, name, value);
        }
    }

    @Command(name = "dump", mixinStandardHelpOptions = true,
            description = "Write the node's ros__parameters YAML (stdout, or --output FILE).")
    static final class Dump extends NodeVerb {
        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here instead of stdout.")
        Path output;

        @Override
        int run(Context ctx, Duration timeout) throws Exception {
            String yaml = new ParamTool(ctx, System.out, timeout).dump(node);
            if (output == null) {
                System.out.print(yaml);
            } else {
                Files.writeString(output, yaml);
            }
            return 0;
        }
    }
}
