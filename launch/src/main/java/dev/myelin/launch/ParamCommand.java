package dev.myelin.launch;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.cli.ParamTool;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ./myelin param <verb>}: the {@code ros2 param} tools over a node's parameter services. */
@Command(name = "param", mixinStandardHelpOptions = true,
        description = "Read and change node parameters like 'ros2 param': list, get, set, dump.",
        subcommands = {ParamCommand.List.class, ParamCommand.Get.class, ParamCommand.Set.class, ParamCommand.Dump.class})
final class ParamCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a verb: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a node's parameters.")
    static final class List implements Callable<Integer> {
        @Mixin
        Ros2CallOptions common;

        @Parameters(index = "0", paramLabel = "NODE", description = "Node, e.g. /controller.")
        String node;

        @Override
        public Integer call() throws Exception {
            try (Context ctx = common.open()) {
                new ParamTool(ctx, System.out, common.timeout()).list(node);
            }
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Print a parameter's value.")
    static final class Get implements Callable<Integer> {
        @Mixin
        Ros2CallOptions common;

        @Parameters(index = "0", paramLabel = "NODE")
        String node;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            try (Context ctx = common.open()) {
                return new ParamTool(ctx, System.out, common.timeout()).get(node, name);
            }
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set a parameter; the node validates it and says why when it refuses.")
    static final class Set implements Callable<Integer> {
        @Mixin
        Ros2CallOptions common;

        @Parameters(index = "0", paramLabel = "NODE")
        String node;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Parameters(index = "2", paramLabel = "VALUE", description = "As YAML: true, 3, 0.5, text, [a, b].")
        String value;

        @Override
        public Integer call() throws Exception {
            try (Context ctx = common.open()) {
                return new ParamTool(ctx, System.out, common.timeout()).set(node, name, value);
            }
        }
    }

    @Command(name = "dump", mixinStandardHelpOptions = true,
            description = "Write the node's ros__parameters YAML (stdout, or --output FILE).")
    static final class Dump implements Callable<Integer> {
        @Mixin
        Ros2CallOptions common;

        @Parameters(index = "0", paramLabel = "NODE")
        String node;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here instead of stdout.")
        Path output;

        @Override
        public Integer call() throws Exception {
            try (Context ctx = common.open()) {
                String yaml = new ParamTool(ctx, System.out, common.timeout()).dump(node);
                if (output == null) {
                    System.out.print(yaml);
                } else {
                    Files.writeString(output, yaml);
                }
            }
            return 0;
        }
    }
}
