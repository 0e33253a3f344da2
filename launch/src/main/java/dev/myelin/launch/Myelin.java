package dev.myelin.launch;

import dev.myelin.launch.bench.BenchCommand;
import dev.myelin.launch.bundle.BundleCommand;
import dev.myelin.launch.bundle.ControllerBundleCommand;
import dev.myelin.launch.bundle.NirCommand;
import dev.myelin.launch.demo.DemoCommand;
import dev.myelin.launch.demo.OtaDemoCommand;
import dev.myelin.launch.demo.PolicyDemoCommand;
import dev.myelin.launch.file.LaunchCommand;
import dev.myelin.launch.fleet.BrokerCommand;
import dev.myelin.launch.fleet.OtaIngestCommand;
import dev.myelin.launch.fleet.OtaSendCommand;
import dev.myelin.launch.fleet.ReleaseCommand;
import dev.myelin.launch.fleet.ReleaseKeysCommand;
import dev.myelin.launch.observe.BagCommand;
import dev.myelin.launch.observe.FleetUiCommand;
import dev.myelin.launch.observe.FoxgloveCommand;
import dev.myelin.launch.observe.ReplayCommand;
import dev.myelin.launch.robot.BaseCommand;
import dev.myelin.launch.robot.BoardCommand;
import dev.myelin.launch.robot.BoardEmulatorCommand;
import dev.myelin.launch.robot.ControllerCommand;
import dev.myelin.launch.robot.OtaRobotCommand;
import dev.myelin.launch.robot.StatusCommand;
import dev.myelin.launch.ros.LifecycleCommand;
import dev.myelin.launch.ros.NodeCommand;
import dev.myelin.launch.ros.ParamCommand;
import dev.myelin.launch.ros.ServiceCommand;
import dev.myelin.launch.ros.TopicCommand;
import dev.myelin.launch.sim.SimInfoCommand;
import dev.myelin.launch.sim.SimNodeCommand;
import dev.myelin.launch.sim.SimRenderCommand;
import dev.myelin.launch.train.CompareCommand;
import dev.myelin.launch.train.EvalCommand;
import dev.myelin.launch.train.ExportCommand;
import dev.myelin.launch.train.TrainCommand;
import dev.myelin.launch.train.TrainCurvesCommand;
import dev.myelin.launch.train.TrainSequenceCommand;
import dev.myelin.launch.train.TransferCommand;
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
