package dev.myelin.launch.robot;

import dev.myelin.bridge.mqtt.BrokerEndpoint;
import dev.myelin.bridge.sim.SimulatedRobot;
import dev.myelin.launch.BrokerOptions;
import dev.myelin.launch.file.OtaAgentNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./myelin ota-robot}: a simulated robot with its over-the-air agent (and optionally experience
 * upload), as the controller will run them, until interrupted. For trying releases without hardware. The node is
 * the launch files' {@link OtaAgentNode}, over a bridge-simulated robot.
 */
@Command(name = "ota-robot", mixinStandardHelpOptions = true,
        description = "Run a simulated robot with the OTA agent (and experience upload) until Ctrl-C.")
public final class OtaRobotCommand implements Callable<Integer> {

    @Option(names = "--id", required = true, description = "Robot id.")
    String id;

    @Option(names = "--fleet", required = true, description = "Fleet name.")
    String fleet;

    @Option(names = "--channel", defaultValue = "stable", description = "Release channel followed (default ${DEFAULT-VALUE}).")
    String channel;

    @Option(names = "--policy", required = true, description = "Policy (bundle) name to keep up to date.")
    String policy;

    @Option(names = "--trust", required = true, paramLabel = "PEM", description = "Trusted release public key (repeat for rotation).")
    List<Path> trust;

    @Option(names = "--factory", paramLabel = "BUNDLE", description = "Bundle installed on first boot.")
    Path factory;

    @Option(names = "--state", required = true, paramLabel = "DIR", description = "State folder (slots, state file, downloads, outbox).")
    Path state;

    @Option(names = "--engine", defaultValue = "event", description = "Inference engine (default ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--tick-ms", defaultValue = "10", description = "Control period (default ${DEFAULT-VALUE} ms).")
    int tickMs;

    @Option(names = "--experience", description = "Record transitions and upload them to the trainer.")
    boolean experience;

    @Mixin
    BrokerOptions broker;

    @Override
    public Integer call() throws Exception {
        BrokerEndpoint endpoint = broker.endpoint();
        OtaAgentNode node = OtaAgentNode.simulated(id, new SimulatedRobot.Options().period(Duration.ofMillis(tickMs))
                        .engine(engine), () -> endpoint, fleet, policy, channel, state, trust, factory,
                (step, release) -> System.out.println(id + ": " + step + " " + release), experience);
        try {
            node.start();
        } catch (Exception | Error e) {
            node.close();
            throw e;
        }
        SimulatedRobot sim = node.simulatedRobot();
        System.out.println(id + ": running " + sim.activeBundle().name() + " " + sim.activeBundle().version()
                + " (verified), following " + fleet + "/" + policy + "/" + channel + " on " + broker.uri);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }
}
