package dev.myelin.launch;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ./myelin} command line. Each subcommand lives in its own class; this one only
 * registers them and maps failures to exit codes.
 */
@Command(name = "myelin", mixinStandardHelpOptions = true, version = "Myelin 0.1.0",
        description = "Spiking neural network policies on real robots.",
        subcommands = {
                TestCommand.class,
                DemoCommand.class,
                PolicyDemoCommand.class,
                LaunchCommand.class,
                BundleCommand.class,
                BenchCommand.class,
                TopicCommand.class,
                NodeCommand.class,
                ServiceCommand.class,
                ParamCommand.class,
                LifecycleCommand.class,
                SimInfoCommand.class,
                SimRenderCommand.class,
                SimNodeCommand.class,
                EvalCommand.class,
                TransferCommand.class,
                TrainCommand.class,
                ExportCommand.class,
                TrainCurvesCommand.class,
                BoardEmulatorCommand.class,
                NirCommand.class,
                BaseCommand.class,
                BoardCommand.class,
                ControllerCommand.class,
                ControllerBundleCommand.class,
                StatusCommand.class,
                ReleaseCommand.class,
                ReleaseKeysCommand.class,
                BrokerCommand.class,
                OtaRobotCommand.class,
                OtaSendCommand.class,
                OtaIngestCommand.class,
                OtaDemoCommand.class,
                TrainSequenceCommand.class,
                CompareCommand.class,
                BagCommand.class,
                ReplayCommand.class,
                FoxgloveCommand.class,
                FleetUiCommand.class,
        })
public final class Myelin implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line as {@code main} runs it: a failure is one line on stderr and exit status 1. */
    public static CommandLine commandLine() {
        return new CommandLine(new Myelin())
                .setExecutionExceptionHandler((ex, cmd, parsed) -> {
                    cmd.getErr().println("myelin " + cmd.getCommandName() + ": " + describe(ex));
                    if (System.getenv("MYELIN_DEBUG") != null) {
                        ex.printStackTrace(cmd.getErr());
                    }
                    return 1;
                });
    }

    private static String describe(Throwable ex) {
        String msg = ex.getMessage();
        return msg == null ? ex.getClass().getSimpleName() : msg;
    }
}
