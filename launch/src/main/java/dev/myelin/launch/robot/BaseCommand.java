package dev.myelin.launch.robot;

import com.pi4j.Pi4J;
import dev.myelin.controller.ros.ReadOnlyParameters;
import dev.myelin.drivers.base.BaseParams;
import dev.myelin.drivers.base.BaseRunner;
import dev.myelin.launch.Ros2Options;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ./myelin base --params base.yaml}: the Raspberry Pi robot base (motors, encoders, IMU, e-stop) on ROS 2. */
@Command(name = "base", mixinStandardHelpOptions = true,
        description = {"Run the Raspberry Pi robot base through Pi4J: cmd_vel in; odom, imu and estop out.",
                "The robot must be at rest while the IMU calibrates (gpiod and linuxfs providers)."})
public final class BaseCommand implements Callable<Integer> {
    @Option(names = "--params", required = true, paramLabel = "FILE", description = "Base parameter file (base.yaml).")
    Path params;

    @Option(names = "--name", defaultValue = "base", description = "Node name (default ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--namespace", defaultValue = "/", description = "Node namespace (default ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--no-imu", description = "Run without the MPU-6050.")
    boolean noImu;

    @Mixin
    Ros2Options ros2;

    @Override
    public Integer call() throws Exception {
        BaseParams p = BaseParams.load(params);
        com.pi4j.context.Context pi4j = Pi4J.newAutoContext();
        try (Context ctx = ros2.open(); Node node = ctx.createNode(name, namespace)) {
            node.serveParameters(ReadOnlyParameters.storeOf(params, "from the base parameter file; restart the base to change it"));
            BaseRunner.run(node, pi4j, p, !noImu, System.out);
        } finally {
            pi4j.shutdown();
        }
        return 0;
    }
}
