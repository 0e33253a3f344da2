package dev.myelin.launch.demo;

import dev.myelin.launch.Ros2Options;
import dev.myelin.launch.demo.EndToEndDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code ./myelin demo}: the end-to-end demo on embedded defaults (in-process broker, loopback ROS 2,
 * simulated robot): release a trained spiking policy over the air, drive episodes with it, hot-swap a
 * better version mid-run, print the summary table and write {@code demo-out/}. See {@link EndToEndDemo}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, resourceBundle = "dev.myelin.launch.demo.DemoCommand",
        description = "End to end: release a trained spiking policy over MQTT to a simulated robot, drive it over ROS 2, "
                + "hot-swap v2 mid-run, print the summary table.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "demo-out", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--episodes", defaultValue = "10", description = "Complete episodes driven by each version (default ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--rate", defaultValue = "5", paramLabel = "FACTOR",
            description = "Simulation real-time factor (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--control-rate", defaultValue = "100", paramLabel = "HZ",
            description = "Control loop rate (default ${DEFAULT-VALUE}).")
    double controlRate;

    @Option(names = "--quick", description = "A short run: 2 episodes per version of at most 250 steps.")
    boolean quick;

    @Mixin
    Ros2Options.Domain domain; // its default, a random one in 100..232, is named in DemoCommand.properties

    @Option(names = "--seed", defaultValue = "1000", description = "Seed of the first simulated episode (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--v1", paramLabel = "BUNDLE", description = "First policy (default: the shipped nav-v1.myl).")
    Path v1;

    @Option(names = "--v2", paramLabel = "BUNDLE", description = "Second policy (default: the shipped nav-v2.myl).")
    Path v2;

    @Option(names = "--metrics", paramLabel = "CSV", description = "Training metrics.csv for the learning curve (default: the shipped one).")
    Path metrics;

    @Option(names = "--params", paramLabel = "FILE",
            description = "The controller's parameter file (default: launch/params/nav-24.yaml as shipped, the shipped "
                    + "bundles' 24 lidar sectors).")
    Path params;

    @Option(names = "--physics", defaultValue = "kinematic",
            description = "The robot's simulator: kinematic (the 2-D diff-drive model) or mujoco (a MuJoCo base with mass, "
                    + "wheel friction, contacts and motor limits) (default ${DEFAULT-VALUE}).")
    String physics;

    @Override
    public Integer call() throws Exception {
        if ((v1 == null) != (v2 == null)) {
            throw new IllegalArgumentException("give --v1 and --v2 together");
        }
        EndToEndDemo.Options o = new EndToEndDemo.Options().out(out).episodes(quick ? 2 : episodes).rate(rate).domain(domain.id)
                .seed(seed).controlRate(controlRate).bundles(v1, v2).metrics(metrics).params(params).maxSteps(quick ? 250 : 0)
                .physics(physics);
        new EndToEndDemo(o).run();
        return 0;
    }
}
