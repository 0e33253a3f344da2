package dev.myelin.launch.file;

import dev.myelin.bridge.sim.SimulatedRobot;
import dev.myelin.launch.demo.ShippedBundles;
import dev.myelin.policy.bundle.SigningKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./myelin ota-robot}'s node: the launch files' OTA agent node over a bridge-simulated robot, against an
 * embedded broker: it boots the signed factory bundle, records experience into the outbox, and closes cleanly.
 */
class OtaRobotNodeTest {

    @Test
    void theSimulatedRobotBootsItsFactoryPolicyAndRecordsExperience(@TempDir Path dir) throws Exception {
        KeyPair key = SigningKeys.generate();
        Path pub = dir.resolve("release.pub.pem");
        SigningKeys.writePublicKey(key.getPublic(), pub);
        Path factory = Files.write(dir.resolve("nav.myl"),
                ShippedBundles.resign(ShippedBundles.bytes("builtin:nav-v1", null), "nav", "0.1.0", key.getPrivate()));
        Path state = dir.resolve("state");
        try (BrokerNode broker = new BrokerNode("broker", 0, null)) {
            broker.start();
            OtaAgentNode node = OtaAgentNode.simulated("robot1", new SimulatedRobot.Options().period(Duration.ofMillis(10))
                            .engine("event"), broker::endpoint, "sim", "nav", "stable", state, List.of(pub), factory,
                    (step, release) -> { }, true);
            try {
                node.start();
                assertTrue(node.ready(), "the committed factory policy runs");
                SimulatedRobot robot = node.simulatedRobot();
                assertEquals("0.1.0", robot.activeBundle().version().toString());
                assertEquals("0.1.0", node.agent().snapshot().committedVersion().toString());
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (node.outbox().recorded() < 10 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(node.outbox().recorded() >= 10, "transitions recorded: " + node.outbox().recorded());
                assertTrue(Files.isDirectory(state.resolve("outbox")));
                // The robot's status carries its loop timing and, with no trainer acknowledging, a growing backlog.
                java.util.concurrent.atomic.AtomicReference<dev.myelin.bridge.wire.RobotStatus> seen =
                        new java.util.concurrent.atomic.AtomicReference<>();
                try (dev.myelin.bridge.mqtt.MqttLink watcher = new dev.myelin.bridge.mqtt.MqttLink(
                        new dev.myelin.bridge.mqtt.MqttLink.Options().clientId("ota-robot-watcher").endpoint(broker.endpoint())
                                .sessionExpiry(Duration.ZERO))) {
                    watcher.subscribe(dev.myelin.bridge.wire.Topics.status("sim", "robot1"), 1, (t, p, r) -> {
                        try {
                            dev.myelin.bridge.wire.RobotStatus st = dev.myelin.bridge.wire.RobotStatus.parse(p);
                            if (st.telemetry().loop() != null && st.telemetry().experienceBacklog() > 0) {
                                seen.set(st);
                            }
                        } catch (dev.myelin.bridge.wire.PayloadException e) {
                            throw new AssertionError("the robot's own status is refused", e);
                        }
                    });
                    assertTrue(watcher.startAndAwait(Duration.ofSeconds(10)));
                    deadline = System.nanoTime() + 20_000_000_000L;
                    while (seen.get() == null && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                }
                assertTrue(seen.get() != null, "a status with loop timing and experience backlog");
                dev.myelin.bridge.wire.RobotStatus.Telemetry tm = seen.get().telemetry();
                assertTrue(tm.experienceBacklog() <= node.outbox().recorded(), tm.toString());
                assertTrue(tm.loop().deadlineMisses() <= robot.health().deadlineMisses(), tm.toString());
            } finally {
                node.close();
            }
        }
    }

    @Test
    void theBuiltInGoalSeekerNeedsAController(@TempDir Path dir) throws Exception {
        KeyPair key = SigningKeys.generate();
        Path pub = dir.resolve("release.pub.pem");
        SigningKeys.writePublicKey(key.getPublic(), pub);
        OtaAgentNode node = OtaAgentNode.simulated("robot1", new SimulatedRobot.Options(), () -> null, "sim", "nav",
                "stable", dir.resolve("state"), List.of(pub), Path.of("builtin:goal-seeker"), (step, release) -> { }, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, node::start);
        assertTrue(e.getMessage().contains("give a bundle file"), e.getMessage());
        node.close();
    }
}
