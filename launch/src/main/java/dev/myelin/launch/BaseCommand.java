package dev.myelin.launch;

import com.pi4j.Pi4J;
import dev.myelin.controller.ros.ReadOnlyParameters;
import dev.myelin.drivers.base.BaseHardware;
import dev.myelin.drivers.base.BaseNode;
import dev.myelin.drivers.base.BaseParams;
import dev.myelin.drivers.base.Mpu6050;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/** {@code ./myelin base --params base.yaml}: the Raspberry Pi robot base (motors, encoders, IMU, e-stop) on ROS 2. */
@Command(name = "base", mixinStandardHelpOptions = true,
        description = {"Run the Raspberry Pi robot base through Pi4J: cmd_vel in; odom, imu and estop out.",
                "The robot must be at rest while the IMU calibrates (gpiod and linuxfs providers)."})
final class BaseCommand implements Callable<Integer> {
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
            BaseHardware hw;
            try {
                hw = new BaseHardware(pi4j, p);
            } catch (RuntimeException e) {
                Throwable root = e;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                throw new IllegalStateException("cannot open the base's pins through Pi4J: " + e.getMessage()
                        + (root != e ? " (" + root.getMessage() + ")" : "")
                        + "; ./myelin base runs on a Raspberry Pi with gpiod, hardware PWM and I2C enabled", e);
            }
            Mpu6050 imu = null;
            if (!noImu) {
                System.out.println("base: calibrating the IMU over " + p.calibrationSamples() + " samples, keep the robot still");
                imu = hw.startImu();
            }
            try (BaseNode base = new BaseNode(node, hw, imu, p)) {
                Runtime.getRuntime().addShutdownHook(new Thread(hw.motors::stop));
                long period = (long) (1e9 / p.rateHz());
                long next = System.nanoTime();
                long overruns = 0;
                System.out.printf("base: %s running at %.0f Hz%n", node.fullyQualifiedName(), p.rateHz());
                while (!Thread.currentThread().isInterrupted()) {
                    base.tick(System.nanoTime());
                    next += period;
                    long now = System.nanoTime();
                    if (now > next) {
                        // overrun: skip whole periods rather than bursting to catch up
                        long missed = (now - next) / period + 1;
                        overruns += missed;
                        next += missed * period;
                    }
                    LockSupport.parkNanos(next - System.nanoTime());
                }
                System.out.println("base: stopped after " + base.ticks() + " cycles, " + overruns + " missed");
            }
        } finally {
            pi4j.shutdown();
        }
        return 0;
    }
}
