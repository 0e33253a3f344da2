package dev.myelin.bridge.ota;

import dev.myelin.bridge.mqtt.BrokerEndpoint;
import dev.myelin.bridge.sim.SimulatedRobot;
import dev.myelin.bridge.wire.ReleaseKeys;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A robot process for crash tests: a simulated robot and its update agent in a JVM of their own, printing
 * every step ({@code STEP <step> <release>}) and, when it reaches the step named by {@code haltAt}, printing
 * {@code HALT <step>} and waiting there for the test to kill it with SIGKILL.
 *
 * <p>Arguments: broker URI, robot id, fleet, state folder, trusted public key PEM, factory bundle, halt step
 * (or {@code -}).
 */
public final class RobotProcess {

    private RobotProcess() {
    }

    public static void main(String[] args) throws Exception {
        String broker = args[0];
        String robot = args[1];
        String fleet = args[2];
        Path state = Path.of(args[3]);
        ReleaseKeys keys = ReleaseKeys.load(List.of(Path.of(args[4])));
        Path factory = Path.of(args[5]);
        String haltAt = args[6];
        SimulatedRobot sim = new SimulatedRobot(robot, new SimulatedRobot.Options().period(Duration.ofMillis(10))
                .decisionBudget(Duration.ofMillis(250)), null);
        OtaAgent agent = new OtaAgent(new OtaAgent.Context().robotId(robot).fleet(fleet).policy("nav").stateDir(state)
                .keys(keys).endpoint(new BrokerEndpoint(broker, null, null, null)).host(sim).factoryBundle(factory)
                .chunkRetry(Duration.ofMillis(400), Duration.ofSeconds(2))
                .stepListener((step, release) -> {
                    System.out.println("STEP " + step + " " + release);
                    System.out.flush();
                    if (step.name().equals(haltAt)) {
                        System.out.println("HALT " + step);
                        System.out.flush();
                        try {
                            Thread.sleep(Long.MAX_VALUE);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }));
        agent.start();
        sim.start();
        var b = sim.activeBundle();
        System.out.println("RUNNING " + b.name() + " " + b.version() + " verified=" + b.signatureVerified());
        System.out.flush();
        // Serve until killed or stdin closes.
        while (System.in.read() >= 0) {
            // keep running
        }
        agent.close();
        sim.close();
    }
}
