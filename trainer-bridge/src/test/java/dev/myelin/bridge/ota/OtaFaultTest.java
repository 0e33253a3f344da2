package dev.myelin.bridge.ota;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.myelin.bridge.BrokerExtension;
import dev.myelin.bridge.Fixtures;
import dev.myelin.bridge.SharedBroker;
import dev.myelin.bridge.TestRobot;
import dev.myelin.bridge.TestTrainer;
import dev.myelin.bridge.mqtt.EmbeddedBroker;
import dev.myelin.bridge.release.PreparedRelease;
import dev.myelin.bridge.release.ReleasePublisher;
import dev.myelin.bridge.wire.ChunkMessage;
import dev.myelin.bridge.wire.FleetCommand;
import dev.myelin.bridge.wire.HealthReport;
import dev.myelin.bridge.wire.JsonFields;
import dev.myelin.bridge.wire.ReleaseManifest;
import dev.myelin.bridge.wire.ReleaseSigner;
import dev.myelin.bridge.wire.SignedEnvelope;
import dev.myelin.bridge.wire.Topics;
import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.PolicyBundle;
import dev.myelin.policy.bundle.SigningKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault tests of the update agent against a real broker: each ends with a valid, verified policy running
 * and the slots on disk agreeing with it.
 */
@ExtendWith(BrokerExtension.class)
class OtaFaultTest {

    @TempDir
    Path tmp;

    private final Fixtures fx = new Fixtures();
    private final List<AutoCloseable> open = new ArrayList<>();
    private String fleet;
    private TestTrainer trainer;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private TestRobot robot(EmbeddedBroker broker, java.util.function.Consumer<OtaAgent.Context> tweak) throws Exception {
        fleet = SharedBroker.fleet("fault");
        trainer = new TestTrainer(broker.endpoint(), fx, fleet);
        open.add(trainer);
        Path factory = Fixtures.write(tmp, "nav-1.0.0.myl", fx.nav("1.0.0"));
        TestRobot r = TestRobot.start("r1", fleet, tmp.resolve("r1"), fx, broker.endpoint(), factory, tweak);
        open.add(r);
        assertTrue(Fixtures.await(10_000, r::connected));
        return r;
    }

    private TestRobot robot(EmbeddedBroker broker) throws Exception {
        return robot(broker, null);
    }

    /** The robot runs {@code version}, verified, and its committed slot on disk holds exactly that bundle. */
    private void assertValidVerifiedPolicy(TestRobot r, String version) throws Exception {
        assertTrue(Fixtures.await(10_000, () -> version.equals(r.committedVersion())
                && r.running() != null && version.equals(r.running().version().toString())),
                "committed " + r.committedVersion() + ", running " + (r.running() == null ? null : r.running().version()));
        PolicyBundle running = r.running();
        assertTrue(running.signatureVerified(), "running bundle was verified against the release keys");
        assertEquals(fx.signer.keyId(), running.signerKeyId());
        OtaState state = r.agent.state();
        assertNull(state.candidate() != null && state.candidate().phase() == OtaState.Phase.TRIAL ? "trial" : null);
        Path slot = r.stateDir.resolve("slots").resolve(state.committed().name().toLowerCase() + ".myl");
        PolicyBundle onDisk = BundleReader.read(slot, fx.keys.bundleKeys());
        assertEquals(version, onDisk.version().toString());
        assertEquals(running.digest(), onDisk.digest());
    }

    private void awaitReport(String releaseId, HealthReport.Event event) throws InterruptedException {
        assertTrue(Fixtures.await(15_000, () -> trainer.report(releaseId, event) != null),
                "no " + event + " report for " + releaseId + "; got " + trainer.reports);
    }

    @Test
    void corruptedChunkIsDetectedAndRequestedAgain(EmbeddedBroker broker) throws Exception {
        TestRobot r = robot(broker);
        PreparedRelease rel = trainer.prepare(fx.nav("1.1.0"), 1024, 200);
        ReleasePublisher pub = trainer.publisher(rel);
        pub.publishChunks();
        byte[] bad = rel.chunks().get(2).clone();
        bad[ChunkMessage.HEADER_BYTES + 10] ^= 0x40;
        trainer.raw(Topics.chunk(fleet, rel.manifest().releaseId(), 2), bad, true);
        pub.publishManifest(rel.manifest());
        awaitReport(rel.manifest().releaseId(), HealthReport.Event.COMMITTED);
        assertTrue(r.agent.snapshot().chunksCorrupt() >= 1, "the corrupted chunk was noticed");
        assertTrue(pub.requestsServed() >= 1, "the robot asked for the chunk again");
        assertValidVerifiedPolicy(r, "1.1.0");
    }

    @Test
    void bundleWithAWrongSignatureIsRefused(EmbeddedBroker broker) throws Exception {
        TestRobot r = robot(broker);
        byte[] bundle = fx.nav("1.1.0");
        bundle[bundle.length - 1] ^= 1; // last byte of the Ed25519 signature
        PreparedRelease rel = trainer.prepare(bundle, 1024, 200);
        trainer.releaseFleetWide(rel);
        awaitReport(rel.manifest().releaseId(), HealthReport.Event.REFUSED);
        String reason = trainer.report(rel.manifest().releaseId(), HealthReport.Event.REFUSED).reason();
        assertTrue(reason.contains("signature") && reason.contains("does not verify"), reason);
        assertValidVerifiedPolicy(r, "1.0.0");
    }

    @Test
    void bundleSignedByAnUntrustedKeyIsRefused(EmbeddedBroker broker) throws Exception {
        TestRobot r = robot(broker);
        byte[] bundle = fx.bundle("nav", "1.1.0", Fixtures.healthyNetwork(3), SigningKeys.generate().getPrivate());
        PreparedRelease rel = trainer.prepare(bundle, 1024, 200);
        trainer.releaseFleetWide(rel);
        awaitReport(rel.manifest().releaseId(), HealthReport.Event.REFUSED);
        assertTrue(trainer.report(rel.manifest().releaseId(), HealthReport.Event.REFUSED).reason().contains("signature.key_id"));
        assertValidVerifiedPolicy(r, "1.0.0");
    }

    @Test
    void unsignedBundleIsRefused(EmbeddedBroker broker) throws Exception {
        TestRobot r = robot(broker);
        PreparedRelease rel = trainer.prepare(fx.bundle("nav", "1.1.0", Fixtures.healthyNetwork(4), null), 1024, 200);
        trainer.releaseFleetWide(rel);
        awaitReport(rel.manifest().releaseId(), HealthReport.Event.REFUSED);
        assertTrue(trainer.report(rel.manifest().releaseId(), HealthReport.Event.REFUSED).reason().contains("unsigned"));
        assertValidVerifiedPolicy(r, "1.0.0");
    }

    @Test
    void manifestSignedByAnUntrustedKeyIsRefused(EmbeddedBroker broker) throws Exception {
        TestRobot r = robot(broker);
        PreparedRelease rel = trainer.prepare(fx.nav("1.1.0"), 1024, 200);
        trainer.publisher(rel).publishChunks();
        ReleaseSigner stranger = new ReleaseSigner(SigningKeys.generate().getPrivate());
        trainer.raw(trainer.manifestTopic(), rel.manifest().seal(stranger), true);
        assertTrue(Fixtures.await(10_000, () -> r.agent.snapshot().payloadsRefused() >= 1));
        assertTrue(r.agent.snapshot().lastProblem().contains("envelope.key_id"), r.agent.snapshot().lastProblem());
        Thread.sleep(500);
        assertEquals(0, r.agent.snapshot().chunksReceived(), "nothing was downloaded for an unverified manifest");
        assertValidVerifiedPolicy(r, "1.0.0");
    }

    @Test
    void truncatedDownloadResumesAfterARestart(EmbeddedBroker broker) throws Exception {
        TestRobot first = robot(broker);
        PreparedRelease rel = trainer.prepare(fx.nav("1.1.0"), 1024, 200);
        int n = rel.chunks().size();
        assertTrue(n >= 4, "bundle spans several chunks: " + n);
        ReleasePublisher pub = trainer.publisher(rel);
        pub.publishChunk(0);
        pub.publishChunk(1);
        pub.publishManifest(rel.manifest());
        assertTrue(Fixtures.await(10_000, () -> first.agent.snapshot().chunksHave() == 2));
        first.close();
        open.remove(first);
        Path part = first.stateDir.resolve("download").resolve(rel.manifest().fileSha256() + ".part");
        assertTrue(Files.exists(part), "the partial download survives the stop");

        TestRobot second = TestRobot.start("r1", fleet, first.stateDir, fx, broker.endpoint(), null, null);
        open.add(second);
        assertEquals("1.0.0", second.committedVersion(), "restarted on the committed policy");
        assertTrue(Fixtures.await(10_000, () -> second.agent.snapshot().chunksHave() == 2),
                "resumed with the two chunks on disk");
        for (int i = 2; i < n; i++) {
            pub.publishChunk(i);
        }
        assertValidVerifiedPolicy(second, "1.1.0");
        assertEquals(n - 2, second.agent.snapshot().chunksReceived(), "only the missing chunks were downloaded again");
        assertTrue(Files.notExists(part), "the partial download is cleaned up");
    }

    @Test
    void downgradeIsRefused(EmbeddedBroker broker) throws Exception {
        TestRobot r = robot(broker);
        PreparedRelease v11 = trainer.prepare(fx.nav("1.1.0"), 1024, 200);
        trainer.releaseFleetWide(v11);
        assertValidVerifiedPolicy(r, "1.1.0");
        PreparedRelease older = trainer.prepare(fx.nav("1.0.5"), 1024, 200);
        trainer.releaseFleetWide(older);
        awaitReport(older.manifest().releaseId(), HealthReport.Event.REFUSED);
        assertTrue(trainer.report(older.manifest().releaseId(), HealthReport.Event.REFUSED).reason().contains("downgrade"));
        assertEquals(0, r.agent.snapshot().chunksReceived() - v11.chunks().size(), "the older release was not downloaded");
        assertValidVerifiedPolicy(r, "1.1.0");
    }

    @Test
    void signedRollbackCommandAllowsGoingBackAndForgedOnesAreRefused(EmbeddedBroker broker) throws Exception {
        TestRobot r = robot(broker);
        String v10 = r.agent.state().committedRecord().fileSha256();
        PreparedRelease v11 = trainer.prepare(fx.nav("1.1.0"), 1024, 200);
        trainer.releaseFleetWide(v11);
        assertValidVerifiedPolicy(r, "1.1.0");

        FleetCommand forged = trainer.command("r1", FleetCommand.Action.ROLLBACK, "1.0.0", v10);
        trainer.raw(Topics.command(fleet, "r1"), forged.seal(new ReleaseSigner(SigningKeys.generate().getPrivate())), false);
        assertTrue(Fixtures.await(10_000, () -> r.agent.snapshot().payloadsRefused() >= 1));
        assertValidVerifiedPolicy(r, "1.1.0");

        FleetCommand rollback = trainer.command("r1", FleetCommand.Action.ROLLBACK, "1.0.0", v10);
        trainer.send(rollback);
        assertValidVerifiedPolicy(r, "1.0.0");
        // Replayed: applied once only; the retained 1.1.0 manifest is not taken again either.
        trainer.send(rollback);
        Thread.sleep(700);
        assertValidVerifiedPolicy(r, "1.0.0");
        assertTrue(r.agent.state().failed().contains(v11.manifest().fileSha256()));
    }

    @Test
    void policyThatOutputsNaNIsRolledBack(EmbeddedBroker broker) throws Exception {
        TestRobot r = robot(broker);
        PreparedRelease rel = trainer.prepare(fx.bundle("nav", "1.1.0", Fixtures.nanNetwork(), fx.releaseKey.getPrivate()),
                1024, 2_000);
        trainer.releaseFleetWide(rel);
        awaitReport(rel.manifest().releaseId(), HealthReport.Event.ROLLED_BACK);
        HealthReport rb = trainer.report(rel.manifest().releaseId(), HealthReport.Event.ROLLED_BACK);
        assertTrue(rb.reason().contains("NaN actions") && rb.nanActions() > 0, rb.toString());
        assertNotNull(trainer.report(rel.manifest().releaseId(), HealthReport.Event.ACTIVATED), "it did run first");
        assertValidVerifiedPolicy(r, "1.0.0");
    }

    @Test
    void policyThatFailsItsHealthCheckIsRolledBack(EmbeddedBroker broker) throws Exception {
        TestRobot r = robot(broker);
        PreparedRelease rel = trainer.prepare(fx.bundle("nav", "1.1.0", Fixtures.saturatingNetwork(),
                fx.releaseKey.getPrivate()), 1024, 2_000);
        trainer.releaseFleetWide(rel);
        awaitReport(rel.manifest().releaseId(), HealthReport.Event.ROLLED_BACK);
        HealthReport rb = trainer.report(rel.manifest().releaseId(), HealthReport.Event.ROLLED_BACK);
        assertTrue(rb.reason().contains("safety interventions") && rb.safetyInterventions() > 0, rb.toString());
        assertValidVerifiedPolicy(r, "1.0.0");
        // A later healthy release still goes through.
        trainer.releaseFleetWide(trainer.prepare(fx.nav("1.2.0"), 1024, 200));
        assertValidVerifiedPolicy(r, "1.2.0");
    }

    @Test
    void oversizedManifestIsRefused(EmbeddedBroker broker) throws Exception {
        TestRobot r = robot(broker);
        byte[] huge = new byte[ReleaseManifest.MAX_PAYLOAD_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        trainer.raw(trainer.manifestTopic(), huge, true);
        assertTrue(Fixtures.await(10_000, () -> r.agent.snapshot().payloadsRefused() >= 1));
        assertTrue(r.agent.snapshot().lastProblem().contains("over the limit"), r.agent.snapshot().lastProblem());
        assertValidVerifiedPolicy(r, "1.0.0");
    }

    @Test
    void malformedManifestsAreRefusedNamingTheField(EmbeddedBroker broker) throws Exception {
        TestRobot r = robot(broker);
        PreparedRelease rel = trainer.prepare(fx.nav("1.1.0"), 1024, 200);
        trainer.publisher(rel).publishChunks();

        ObjectNode body = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(rel.manifest().toBody());
        body.putArray("chunk_sha256").add("00");
        expectRefusal(r, SignedEnvelope.seal(ReleaseManifest.PURPOSE, JsonFields.bytes(body), fx.signer), 1,
                "manifest.chunk_sha256[0]");
        body = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(rel.manifest().toBody());
        body.put("v", 2);
        expectRefusal(r, SignedEnvelope.seal(ReleaseManifest.PURPOSE, JsonFields.bytes(body), fx.signer), 2,
                "payload version 2 is not supported");
        expectRefusal(r, "{\"v\":1,\"kind\":\"signed\",\"purpose\":\"release-manifest\"".getBytes(StandardCharsets.UTF_8), 3,
                "not valid JSON");
        ObjectNode env = (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(rel.manifest().seal(fx.signer));
        byte[] tampered = rel.manifest().toBody().clone();
        tampered[tampered.length - 3] = (byte) ('0' + (tampered[tampered.length - 3] - '0' + 1) % 10);
        env.put("body", Base64.getEncoder().encodeToString(tampered));
        expectRefusal(r, JsonFields.bytes(env), 4, "envelope.signature");
        assertEquals(0, r.agent.snapshot().chunksReceived());
        assertValidVerifiedPolicy(r, "1.0.0");
    }

    private void expectRefusal(TestRobot r, byte[] payload, long count, String expected) throws Exception {
        trainer.raw(trainer.manifestTopic(), payload, true);
        assertTrue(Fixtures.await(10_000, () -> r.agent.snapshot().payloadsRefused() >= count));
        assertTrue(r.agent.snapshot().lastProblem().contains(expected), r.agent.snapshot().lastProblem());
    }

    @Test
    void stagedReleaseWaitsForAnActivateCommand(EmbeddedBroker broker) throws Exception {
        TestRobot r = robot(broker);
        PreparedRelease rel = PreparedRelease.of(fx.nav("1.1.0"), fx.keys.bundleKeys(), fleet, "stable", 1024, 200,
                ReleaseManifest.Activation.COMMAND);
        trainer.releaseFleetWide(rel);
        awaitReport(rel.manifest().releaseId(), HealthReport.Event.STAGED);
        Thread.sleep(500);
        assertValidVerifiedPolicy(r, "1.0.0");
        assertEquals(OtaState.Phase.STAGED, r.agent.state().candidate().phase());
        trainer.send(trainer.command("r1", FleetCommand.Action.ACTIVATE, "1.1.0", rel.manifest().fileSha256()));
        assertValidVerifiedPolicy(r, "1.1.0");
        assertArrayEquals(rel.bundleBytes(), Files.readAllBytes(r.stateDir.resolve("slots/b.myl")));
    }

    @Test
    void pausedRobotTakesNoReleaseUntilResumed(EmbeddedBroker broker) throws Exception {
        TestRobot r = robot(broker);
        trainer.send(trainer.command("r1", FleetCommand.Action.PAUSE, null, null));
        assertTrue(Fixtures.await(10_000, () -> r.agent.state().paused()));
        trainer.releaseFleetWide(trainer.prepare(fx.nav("1.1.0"), 1024, 200));
        Thread.sleep(800);
        assertValidVerifiedPolicy(r, "1.0.0");
        assertEquals("paused", r.agent.snapshot().activity());
        trainer.send(trainer.command("r1", FleetCommand.Action.RESUME, null, null));
        assertValidVerifiedPolicy(r, "1.1.0");
    }

    @Test
    void keyRotationAcceptsReleasesSignedWithEitherTrustedKey(EmbeddedBroker broker) throws Exception {
        // The robot trusts the old key and the new one; the trainer has moved to the new key.
        java.security.KeyPair next = SigningKeys.generate();
        TestRobot r = robot(broker, ctx -> ctx.keys(dev.myelin.bridge.wire.ReleaseKeys.of(fx.releaseKey.getPublic(),
                next.getPublic())));
        byte[] bundle = fx.bundle("nav", "1.1.0", Fixtures.healthyNetwork(8), next.getPrivate());
        PreparedRelease rel = trainer.prepare(bundle, 1024, 200);
        ReleasePublisher pub = trainer.publisher(rel);
        pub.publishChunks();
        trainer.raw(trainer.manifestTopic(), rel.manifest().seal(new ReleaseSigner(next.getPrivate())), true);
        assertTrue(Fixtures.await(15_000, () -> "1.1.0".equals(r.committedVersion())), r.agent.snapshot().toString());
        assertTrue(r.running().signatureVerified());
        assertEquals(new ReleaseSigner(next.getPrivate()).keyId(), r.running().signerKeyId());
    }

    @Test
    void deadlineMissesFailTheHealthCheck(EmbeddedBroker broker) throws Exception {
        fleet = SharedBroker.fleet("deadline");
        trainer = new TestTrainer(broker.endpoint(), fx, fleet);
        open.add(trainer);
        // A robot whose decision budget (1 microsecond) no policy can meet.
        var sim = new dev.myelin.bridge.sim.SimulatedRobot("r1", new dev.myelin.bridge.sim.SimulatedRobot.Options()
                .period(Duration.ofMillis(10)).decisionBudget(Duration.ofNanos(1_000)), null);
        OtaAgent agent = new OtaAgent(new OtaAgent.Context().robotId("r1").fleet(fleet).policy("nav")
                .stateDir(tmp.resolve("r1")).keys(fx.keys).endpoint(broker.endpoint()).host(sim)
                .factoryBundle(Fixtures.write(tmp, "f.myl", fx.nav("1.0.0"))));
        open.add(sim);
        open.add(agent);
        agent.start();
        sim.start();
        assertTrue(Fixtures.await(10_000, () -> agent.snapshot().connected()));
        PreparedRelease rel = trainer.prepare(fx.nav("1.1.0"), 1024, 1_000);
        trainer.releaseFleetWide(rel);
        awaitReport(rel.manifest().releaseId(), HealthReport.Event.ROLLED_BACK);
        HealthReport rb = trainer.report(rel.manifest().releaseId(), HealthReport.Event.ROLLED_BACK);
        assertTrue(rb.reason().contains("deadline misses") && rb.deadlineMisses() > 0, rb.toString());
        assertTrue(Fixtures.await(5_000, () -> "1.0.0".equals(sim.activeBundle().version().toString())));
        assertTrue(sim.activeBundle().signatureVerified());
    }
}
