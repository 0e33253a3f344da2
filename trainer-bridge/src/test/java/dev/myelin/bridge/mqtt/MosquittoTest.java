package dev.myelin.bridge.mqtt;

import dev.myelin.bridge.Fixtures;
import dev.myelin.bridge.MosquittoBroker;
import dev.myelin.bridge.TestRobot;
import dev.myelin.bridge.TestTrainer;
import dev.myelin.bridge.release.PreparedRelease;
import dev.myelin.bridge.release.ReleasePublisher;
import dev.myelin.bridge.release.Rollout;
import dev.myelin.bridge.wire.HealthReport;
import dev.myelin.bridge.wire.RobotStatus;
import dev.myelin.bridge.wire.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against a real external broker: Mosquitto with TLS, passwords and per-robot ACLs; and a broker restart. */
class MosquittoTest {

    @TempDir
    Path tmp;

    private final Fixtures fx = new Fixtures();

    private static String[] robotAcl(String fleet, String robot) {
        return new String[] {
                "user " + robot,
                "topic write myelin/" + fleet + "/robots/" + robot + "/#",
                "topic read myelin/" + fleet + "/releases/#",
                "topic read myelin/" + fleet + "/chunks/#",
                "topic read myelin/" + fleet + "/commands/" + robot};
    }

    @Test
    void releaseOverTlsWithPasswordsAndPerRobotAcls() throws Exception {
        String fleet = "lab";
        MosquittoBroker.Config cfg = new MosquittoBroker.Config().tls()
                .user("trainer", "trainer-secret").user("r1", "r1-secret").user("r2", "r2-secret")
                .acl("user trainer", "topic readwrite myelin/#").acl(robotAcl(fleet, "r1")).acl(robotAcl(fleet, "r2"));
        try (MosquittoBroker broker = MosquittoBroker.start(tmp.resolve("mosquitto"), cfg)) {
            BrokerEndpoint tls = broker.endpoint();
            Path factory = Fixtures.write(tmp, "nav-1.0.0.myl", fx.nav("1.0.0"));
            try (TestRobot r1 = TestRobot.start("r1", fleet, tmp.resolve("r1"), fx,
                    tls.withCredentials("r1", "r1-secret".toCharArray()), factory, null);
                 TestRobot r2 = TestRobot.start("r2", fleet, tmp.resolve("r2"), fx,
                         tls.withCredentials("r2", "r2-secret".toCharArray()), factory, null);
                 TestTrainer trainer = new TestTrainer(tls.withCredentials("trainer", "trainer-secret".toCharArray()), fx, fleet)) {
                assertTrue(Fixtures.await(15_000, () -> r1.connected() && r2.connected()), "robots connect over TLS");

                Rollout.Result result = new Rollout(trainer.link, fx.signer, new Rollout.Options().fleet(fleet)
                        .canaryFraction(0.5).healthCheck(Duration.ofMillis(300)).discovery(Duration.ofMillis(800))
                        .canaryTimeout(Duration.ofSeconds(30)).fleetTimeout(Duration.ofSeconds(30))).run(fx.nav("1.1.0"));
                assertEquals(Rollout.Outcome.PROMOTED, result.outcome(), result.reason());
                assertEquals(Map.of("r1", true, "r2", true), Map.of("r1", result.committed().containsKey("r1"),
                        "r2", result.committed().containsKey("r2")));
                assertEquals("1.1.0", r1.running().version().toString());
                assertTrue(r1.running().signatureVerified());

                // r1 may only publish under its own id: a status forged for r2 never reaches the trainer.
                Map<String, RobotStatus> seen = new ConcurrentHashMap<>();
                trainer.link.subscribe(Topics.everyRobot(fleet, "status"), 1, (t, p, retained) -> {
                    try {
                        if (p.length > 0) {
                            seen.put(t, RobotStatus.parse(p));
                        }
                    } catch (Exception e) {
                        // not a status
                    }
                });
                RobotStatus forged = new RobotStatus("r2", fleet, true, "nav", "9.9.9", "ab".repeat(32), "idle", 1);
                r1.agent.link().publishAndWait(Topics.status(fleet, "r2"), forged.toBytes(), 1, true, Duration.ofSeconds(5));
                r1.agent.link().publishAndWait(Topics.manifest(fleet, "nav", "stable"), new byte[] {'x'}, 1, true,
                        Duration.ofSeconds(5));
                Thread.sleep(1000);
                RobotStatus r2Status = seen.get(Topics.status(fleet, "r2"));
                assertTrue(r2Status != null && !"9.9.9".equals(r2Status.version()), "r2's status is r2's own: " + r2Status);
                assertEquals(0, r2.agent.snapshot().payloadsRefused(), "no forged manifest reached r2");

                // Wrong password and plain anonymous access are refused by the broker.
                try (MqttLink wrong = new MqttLink(new MqttLink.Options().clientId("intruder")
                        .endpoint(tls.withCredentials("r1", "guess".toCharArray())))) {
                    assertFalse(wrong.startAndAwait(Duration.ofSeconds(2)));
                }
                try (MqttLink anonymous = new MqttLink(new MqttLink.Options().clientId("anonymous").endpoint(tls))) {
                    assertFalse(anonymous.startAndAwait(Duration.ofSeconds(2)));
                }
            }
        }
    }

    @Test
    void tlsRefusesABrokerSignedByAnotherCa() throws Exception {
        try (MosquittoBroker a = MosquittoBroker.start(tmp.resolve("a"), new MosquittoBroker.Config().tls());
             MosquittoBroker b = MosquittoBroker.start(tmp.resolve("b"), new MosquittoBroker.Config().tls())) {
            BrokerEndpoint trustingB = new BrokerEndpoint("ssl://127.0.0.1:" + a.port(), null, null, b.caCertificate());
            try (MqttLink link = new MqttLink(new MqttLink.Options().clientId("mitm-check").endpoint(trustingB))) {
                assertFalse(link.startAndAwait(Duration.ofSeconds(2)), "a certificate from an unknown CA is refused");
            }
            try (MqttLink link = new MqttLink(new MqttLink.Options().clientId("ok").endpoint(a.endpoint()))) {
                assertTrue(link.startAndAwait(Duration.ofSeconds(10)), "the right CA connects");
            }
        }
    }

    @Test
    void brokerRestartMidDownload() throws Exception {
        String fleet = "lab";
        try (MosquittoBroker broker = MosquittoBroker.start(tmp.resolve("mosquitto"), new MosquittoBroker.Config())) {
            Path factory = Fixtures.write(tmp, "nav-1.0.0.myl", fx.nav("1.0.0"));
            try (TestRobot robot = TestRobot.start("r1", fleet, tmp.resolve("r1"), fx, broker.endpoint(), factory, null);
                 TestTrainer trainer = new TestTrainer(broker.endpoint(), fx, fleet)) {
                assertTrue(Fixtures.await(10_000, robot::connected));
                PreparedRelease rel = trainer.prepare(fx.nav("1.1.0"), 1024, 200);
                ReleasePublisher pub = trainer.publisher(rel);
                pub.publishChunk(0);
                pub.publishChunk(1);
                pub.publishManifest(rel.manifest());
                assertTrue(Fixtures.await(10_000, () -> robot.agent.snapshot().chunksHave() == 2));

                broker.stop(); // sessions and retained messages are gone (no persistence)
                assertTrue(Fixtures.await(5_000, () -> !robot.connected()));
                broker.launch();

                // The robot reconnects, keeps its two chunks, asks for the rest; the publisher answers.
                assertTrue(Fixtures.await(30_000, () -> "1.1.0".equals(robot.committedVersion())),
                        "download finished after the restart: " + robot.agent.snapshot());
                assertEquals(rel.chunks().size(), robot.agent.snapshot().chunksReceived(), "no chunk downloaded twice");
                assertTrue(pub.requestsServed() >= 1);
                assertEquals("1.1.0", robot.running().version().toString());
                assertTrue(robot.running().signatureVerified());
                assertTrue(Fixtures.await(10_000, () -> trainer.report(rel.manifest().releaseId(),
                        HealthReport.Event.COMMITTED) != null));
                List<String> ids = trainer.reports.stream().map(HealthReport::robot).distinct().toList();
                assertEquals(List.of("r1"), ids);
            }
        }
    }
}
