package dev.myelin.bridge.ota;

import dev.myelin.bridge.BrokerExtension;
import dev.myelin.bridge.Fixtures;
import dev.myelin.bridge.MosquittoBroker;
import dev.myelin.bridge.RawPublisher;
import dev.myelin.bridge.SharedBroker;
import dev.myelin.bridge.TestTrainer;
import dev.myelin.bridge.mqtt.BrokerEndpoint;
import dev.myelin.bridge.mqtt.EmbeddedBroker;
import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.release.PreparedRelease;
import dev.myelin.bridge.release.ReleasePublisher;
import dev.myelin.bridge.wire.ChunkMessage;
import dev.myelin.bridge.wire.ChunkRequest;
import dev.myelin.bridge.wire.FleetCommand;
import dev.myelin.bridge.wire.HealthReport;
import dev.myelin.bridge.wire.ReleaseManifest;
import dev.myelin.bridge.wire.Topics;
import dev.myelin.policy.bundle.SigningKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A robot JVM limited to 128 MB survives 100 MB publishes on every topic it subscribes to (manifest, retained
 * and not; its command topic; the chunk topics of a download in progress), then takes the next legitimate
 * release. Against Mosquitto configured without a packet limit only the robot's announced Maximum Packet Size
 * protects it (the broker drops what is too large for it); against the embedded HiveMQ broker the broker's
 * own limit refuses the publisher first. Mosquitto with the generated configuration refuses it too.
 */
@ExtendWith(BrokerExtension.class)
class RobotMemoryTest {

    private static final long HUGE = 100L * 1024 * 1024;

    @TempDir
    Path tmp;

    private final Fixtures fx = new Fixtures();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killLeftovers() throws InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theLimitTheRobotAnnouncesHoldsOnABrokerWithoutOne() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(tmp.resolve("mosquitto"),
                new MosquittoBroker.Config().withoutPacketLimit())) {
            List<RawPublisher.Outcome> outcomes = attackThenRelease(broker.endpoint(), broker.port(), "mosquitto");
            // Mosquitto took every publish (it has no limit of its own here) and delivered none to the robot.
            assertTrue(outcomes.stream().allMatch(o -> o == RawPublisher.Outcome.ACKNOWLEDGED), outcomes.toString());
        }
    }

    @Test
    void theEmbeddedBrokerRefusesOversizedPublishes(EmbeddedBroker broker) throws Exception {
        List<RawPublisher.Outcome> outcomes = attackThenRelease(broker.endpoint(), broker.port(), "hivemq");
        assertTrue(outcomes.stream().allMatch(o -> o == RawPublisher.Outcome.DISCONNECTED), outcomes.toString());
    }

    @Test
    void theGeneratedMosquittoConfigurationRefusesOversizedPublishes() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(tmp.resolve("limited"), new MosquittoBroker.Config())) {
            assertEquals(RawPublisher.Outcome.DISCONNECTED,
                    RawPublisher.publish("127.0.0.1", broker.port(), "myelin/f/releases/nav/stable", HUGE, true));
            assertEquals(RawPublisher.Outcome.DISCONNECTED, RawPublisher.publish("127.0.0.1", broker.port(), "myelin/f/x",
                    MqttLink.MAX_PACKET_BYTES, false), "a packet over the limit by its header alone is refused");
            assertEquals(RawPublisher.Outcome.ACKNOWLEDGED, RawPublisher.publish("127.0.0.1", broker.port(), "myelin/f/x",
                    ReleaseManifest.MAX_PAYLOAD_BYTES, false), "the largest legitimate payload passes");
        }
    }

    @Test
    void theLimitCoversTheLargestLegitimatePacket() {
        String longest = Topics.chunk("f".repeat(64), "p".repeat(64) + "-999999999.999999999.999999999-" + "a".repeat(12), 99_999);
        int overhead = 5 + 2 + longest.length() + 2 + 16; // fixed header, topic, packet id, properties
        for (int payload : new int[] {ReleaseManifest.MAX_PAYLOAD_BYTES, ChunkMessage.MAX_PAYLOAD_BYTES,
                FleetCommand.MAX_PAYLOAD_BYTES, HealthReport.MAX_PAYLOAD_BYTES, ChunkRequest.MAX_PAYLOAD_BYTES,
                dev.myelin.bridge.experience.ExperienceBatch.MAX_PAYLOAD_BYTES}) {
            assertTrue(payload + overhead <= MqttLink.MAX_PACKET_BYTES, payload + " + " + overhead);
        }
        assertTrue(MqttLink.MAX_PACKET_BYTES < 2 * ReleaseManifest.MAX_PAYLOAD_BYTES, "the limit is not far above need");
    }

    /** Floods every topic the robot reads with 100 MB publishes, then releases 1.1.0; returns the publishers' outcomes. */
    private List<RawPublisher.Outcome> attackThenRelease(BrokerEndpoint endpoint, int port, String name) throws Exception {
        String fleet = SharedBroker.fleet("oom-" + name);
        Path keyFile = tmp.resolve("release.pub.pem");
        SigningKeys.writePublicKey(fx.releaseKey.getPublic(), keyFile);
        Path factory = Fixtures.write(tmp, "nav-1.0.0.myl", fx.nav("1.0.0"));
        RobotChild robot = RobotChild.launch(List.of("-Xmx128m"), endpoint.uri(), "r1", fleet, tmp.resolve("r1-" + name),
                keyFile, factory, "-");
        processes.add(robot.process);
        List<RawPublisher.Outcome> outcomes = new ArrayList<>();
        String host = URI.create(endpoint.uri()).getHost();
        try (TestTrainer trainer = new TestTrainer(endpoint, fx, fleet)) {
            robot.await("RUNNING nav 1.0.0 verified=true", 30_000);
            Thread.sleep(500); // let it subscribe
            String manifest = Topics.manifest(fleet, "nav", "stable");
            outcomes.add(RawPublisher.publish(host, port, manifest, HUGE, false));
            outcomes.add(RawPublisher.publish(host, port, manifest, HUGE, true));
            outcomes.add(RawPublisher.publish(host, port, Topics.command(fleet, "r1"), HUGE, false));

            // A download in progress: the manifest first, so the robot subscribes to the chunks, then the flood.
            PreparedRelease rel = trainer.prepare(fx.nav("1.1.0"), 1024, 300);
            ReleasePublisher publisher = trainer.publisher(rel);
            publisher.publishManifest(rel.manifest());
            robot.await("STEP DOWNLOAD_STARTED " + rel.manifest().releaseId(), 20_000);
            for (int i = 0; i < 2; i++) {
                outcomes.add(RawPublisher.publish(host, port, Topics.chunk(fleet, rel.manifest().releaseId(), i), HUGE, false));
            }
            publisher.publishChunks();
            robot.await("STEP COMMITTED " + rel.manifest().releaseId(), 60_000);
            assertTrue(robot.process.isAlive(), "the robot process lives");
            assertFalse(robot.all.stream().anyMatch(l -> l.contains("OutOfMemoryError")), String.join("\n", robot.all));
            robot.stop();
        }
        return outcomes;
    }
}
