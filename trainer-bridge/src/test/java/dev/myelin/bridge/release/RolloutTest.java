package dev.myelin.bridge.release;

import dev.myelin.bridge.BrokerExtension;
import dev.myelin.bridge.Fixtures;
import dev.myelin.bridge.SharedBroker;
import dev.myelin.bridge.TestRobot;
import dev.myelin.bridge.mqtt.EmbeddedBroker;
import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.wire.ReleaseManifest;
import dev.myelin.bridge.wire.Topics;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.model.Policy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(BrokerExtension.class)
class RolloutTest {

    @TempDir
    Path tmp;

    private final Fixtures fx = new Fixtures();

    private List<TestRobot> fleet(EmbeddedBroker broker, String fleet, int n) throws Exception {
        Path factory = Fixtures.write(tmp, "nav-1.0.0.myl", fx.nav("1.0.0"));
        List<TestRobot> robots = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            robots.add(TestRobot.start("r" + i, fleet, tmp.resolve("r" + i), fx, broker.endpoint(), factory, null));
        }
        assertTrue(Fixtures.await(10_000, () -> robots.stream().allMatch(TestRobot::connected)), "robots connect");
        return robots;
    }

    private MqttLink trainerLink(EmbeddedBroker broker, String fleet) throws Exception {
        MqttLink link = new MqttLink(new MqttLink.Options().clientId("trainer-" + fleet).endpoint(broker.endpoint())
                .sessionExpiry(Duration.ZERO));
        assertTrue(link.startAndAwait(Duration.ofSeconds(10)));
        return link;
    }

    private static Rollout.Options options(String fleet, double canary) {
        return new Rollout.Options().fleet(fleet).canaryFraction(canary).healthCheck(Duration.ofMillis(400))
                .discovery(Duration.ofMillis(700)).canaryTimeout(Duration.ofSeconds(30)).fleetTimeout(Duration.ofSeconds(30))
                .log(s -> System.out.println("rollout: " + s));
    }

    @Test
    void healthyCanariesArePromotedToTheWholeFleet(EmbeddedBroker broker) throws Exception {
        String fleet = SharedBroker.fleet("promote");
        List<TestRobot> robots = fleet(broker, fleet, 4);
        try (MqttLink link = trainerLink(broker, fleet)) {
            Rollout.Result r = new Rollout(link, fx.signer, options(fleet, 0.25)).run(fx.nav("1.1.0"));
            assertEquals(Rollout.Outcome.PROMOTED, r.outcome(), r.reason());
            assertEquals(1, r.canaries().size());
            assertEquals(4, r.fleetSize());
            assertEquals(4, r.committed().size(), "every robot committed: " + r.committed() + " failed " + r.failed());
            for (TestRobot t : robots) {
                assertEquals("1.1.0", t.committedVersion());
                assertEquals("1.1.0", t.running().version().toString());
                assertTrue(t.running().signatureVerified());
            }
            // The canary committed before anyone else activated.
            String canary = r.canaries().get(0);
            long canaryCommit = r.committed().get(canary);
            for (Map.Entry<String, Long> e : r.activated().entrySet()) {
                if (!e.getKey().equals(canary)) {
                    assertTrue(e.getValue() >= canaryCommit, e.getKey() + " activated before the canary committed");
                }
            }
        } finally {
            robots.forEach(TestRobot::close);
        }
    }

    @Test
    void unhealthyCanaryIsRolledBackAutomatically(EmbeddedBroker broker) throws Exception {
        String fleet = SharedBroker.fleet("rollback");
        List<TestRobot> robots = fleet(broker, fleet, 3);
        try (MqttLink link = trainerLink(broker, fleet)) {
            Rollout.Result ok = new Rollout(link, fx.signer, options(fleet, 0.34)).run(fx.nav("1.1.0"));
            assertEquals(Rollout.Outcome.PROMOTED, ok.outcome(), ok.reason());
            byte[] bad = fx.bundle("nav", "1.2.0", Fixtures.saturatingNetwork(), fx.releaseKey.getPrivate());
            Rollout.Result r = new Rollout(link, fx.signer, options(fleet, 0.34)).run(bad);
            assertEquals(Rollout.Outcome.ROLLED_BACK, r.outcome());
            assertTrue(r.reason().contains("safety interventions"), r.reason());
            // Nobody keeps or installs the bad release: the previous manifest is back on the channel.
            Thread.sleep(1500);
            for (TestRobot t : robots) {
                assertEquals("1.1.0", t.committedVersion(), t.id);
                assertEquals("1.1.0", t.running().version().toString(), t.id);
            }
        } finally {
            robots.forEach(TestRobot::close);
        }
    }

    @Test
    void refusesToReleaseAVersionThatIsNotNewer(EmbeddedBroker broker) throws Exception {
        String fleet = SharedBroker.fleet("older");
        List<TestRobot> robots = fleet(broker, fleet, 1);
        try (MqttLink link = trainerLink(broker, fleet)) {
            assertEquals(Rollout.Outcome.PROMOTED, new Rollout(link, fx.signer, options(fleet, 1)).run(fx.nav("2.0.0")).outcome());
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new Rollout(link, fx.signer, options(fleet, 1)).run(fx.nav("1.5.0")));
            assertTrue(e.getMessage().contains("not newer"), e.getMessage());
            assertFalse(robots.get(0).committedVersion().equals("1.5.0"));
        } finally {
            robots.forEach(TestRobot::close);
        }
    }

    @Test
    void aForgedRetainedManifestWithAHigherVersionDoesNotBlockASignedRelease(EmbeddedBroker broker) throws Exception {
        String fleet = SharedBroker.fleet("forged");
        List<TestRobot> robots = fleet(broker, fleet, 2);
        Fixtures attacker = new Fixtures();
        ReleaseManifest forged = PreparedRelease.of(attacker.nav("99.0.0"), TrustedKeys.of(attacker.releaseKey.getPublic()),
                fleet, "stable", PreparedRelease.DEFAULT_CHUNK_BYTES, 400, ReleaseManifest.Activation.IMMEDIATE)
                .manifest().withStage(ReleaseManifest.Stage.FLEET, List.of(), System.currentTimeMillis());
        String topic = Topics.manifest(fleet, "nav", "stable");
        List<String> log = new ArrayList<>();
        try (MqttLink link = trainerLink(broker, fleet)) {
            // Signed by a key nobody trusts; then under the trusted key id with the signature bytes damaged.
            for (byte[] payload : List.of(forged.seal(attacker.signer), damagedSignature(forged.seal(fx.signer)))) {
                assertTrue(link.publishAndWait(topic, payload, 1, true, Duration.ofSeconds(5)));
                Rollout.Options o = options(fleet, 0.5).log(s -> {
                    System.out.println("rollout: " + s);
                    log.add(s);
                });
                String version = log.isEmpty() ? "1.1.0" : "1.2.0";
                Rollout.Result r = new Rollout(link, fx.signer, o).run(fx.nav(version));
                assertEquals(Rollout.Outcome.PROMOTED, r.outcome(), r.reason());
                assertTrue(log.stream().anyMatch(l -> l.contains("not a verified release")), log.toString());
                assertFalse(log.stream().anyMatch(l -> l.contains("replacing")), "the forged manifest was taken as current: " + log);
                for (TestRobot t : robots) {
                    assertEquals(version, t.committedVersion(), t.id);
                }
                log.clear();
                log.add("second round");
            }
            // The channel's verified release is honoured again: a lower version is still refused.
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new Rollout(link, fx.signer, options(fleet, 1)).run(fx.nav("1.0.5")));
            assertTrue(e.getMessage().contains("not newer than the channel's current release nav-1.2.0"), e.getMessage());
        } finally {
            robots.forEach(TestRobot::close);
        }
    }

    /** The envelope with one character of its base64 signature changed. */
    private static byte[] damagedSignature(byte[] envelope) {
        String text = new String(envelope, StandardCharsets.UTF_8);
        int at = text.indexOf("\"signature\"");
        int start = text.indexOf('"', text.indexOf(':', at)) + 1;
        char c = text.charAt(start + 4);
        return (text.substring(0, start + 4) + (c == 'A' ? 'B' : 'A') + text.substring(start + 5)).getBytes(StandardCharsets.UTF_8);
    }
}
