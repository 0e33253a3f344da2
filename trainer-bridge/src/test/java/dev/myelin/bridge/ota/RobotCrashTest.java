package dev.myelin.bridge.ota;

import dev.myelin.bridge.BrokerExtension;
import dev.myelin.bridge.Fixtures;
import dev.myelin.bridge.SharedBroker;
import dev.myelin.bridge.TestTrainer;
import dev.myelin.bridge.mqtt.EmbeddedBroker;
import dev.myelin.bridge.release.PreparedRelease;
import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.PolicyBundle;
import dev.myelin.policy.bundle.SigningKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Power-loss style tests: the robot (simulated base and update agent) runs in a JVM of its own, is killed
 * with SIGKILL at a chosen step of an update, and restarted on the same state folder. It must come up with
 * a valid, verified policy: the committed one, or the previous one when the new one was not committed.
 */
@ExtendWith(BrokerExtension.class)
class RobotCrashTest {

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

    private RobotChild launch(EmbeddedBroker broker, String fleet, Path state, Path keyFile, Path factory, String haltAt)
            throws Exception {
        RobotChild c = RobotChild.launch(List.of(), broker.uri(), "r1", fleet, state, keyFile, factory, haltAt);
        processes.add(c.process);
        return c;
    }

    private record Setup(String fleet, Path state, Path keyFile, Path factory, TestTrainer trainer) {
    }

    private Setup setup(EmbeddedBroker broker) throws Exception {
        String fleet = SharedBroker.fleet("crash");
        Path keyFile = tmp.resolve("release.pub.pem");
        SigningKeys.writePublicKey(fx.releaseKey.getPublic(), keyFile);
        Path factory = Fixtures.write(tmp, "nav-1.0.0.myl", fx.nav("1.0.0"));
        return new Setup(fleet, tmp.resolve("r1"), keyFile, factory, new TestTrainer(broker.endpoint(), fx, fleet));
    }

    /** The committed slot on disk verifies and holds {@code version}; returns the state. */
    private OtaState assertCommittedOnDisk(Path state, String version) throws Exception {
        OtaState s = OtaState.parse(Files.readAllBytes(state.resolve("ota-state.json")));
        PolicyBundle b = BundleReader.read(state.resolve("slots").resolve(s.committed().name().toLowerCase() + ".myl"),
                fx.keys.bundleKeys());
        assertEquals(version, b.version().toString());
        assertTrue(b.signatureVerified());
        assertEquals(s.committedRecord().bundleDigest(), b.digest());
        return s;
    }

    @Test
    void killedWhileStagingComesBackOnTheCommittedPolicyAndFinishesTheUpdate(EmbeddedBroker broker) throws Exception {
        Setup s = setup(broker);
        try (TestTrainer trainer = s.trainer) {
            RobotChild first = launch(broker, s.fleet, s.state, s.keyFile, s.factory, "STAGE_TEMP_WRITTEN");
            first.await("RUNNING nav 1.0.0 verified=true", 20_000);
            PreparedRelease rel = trainer.prepare(fx.nav("1.1.0"), 1024, 300);
            trainer.releaseFleetWide(rel);
            first.await("HALT STAGE_TEMP_WRITTEN", 20_000);
            first.kill9();

            // Killed between the durable temporary copy and its rename: the state still names slot A only.
            assertTrue(Files.exists(s.state.resolve("slots/.b.myl.tmp")), "the temporary slot copy was left behind");
            OtaState before = assertCommittedOnDisk(s.state, "1.0.0");
            assertNull(before.candidate());

            RobotChild second = launch(broker, s.fleet, s.state, s.keyFile, s.factory, "-");
            second.await("STEP BOOTED nav-1.0.0", 20_000);
            second.await("RUNNING nav 1.0.0 verified=true", 20_000);
            assertFalse(Files.exists(s.state.resolve("slots/.b.myl.tmp")), "recovery removed the temporary copy");
            // The manifest is still retained: the update repeats from the chunks on disk and commits.
            second.await("STEP COMMITTED " + rel.manifest().releaseId(), 30_000);
            second.stop();
            OtaState after = assertCommittedOnDisk(s.state, "1.1.0");
            assertEquals(OtaState.Slot.B, after.committed());
        }
    }

    @Test
    void killedBeforeTheCommitRecordRollsBackToThePreviousPolicy(EmbeddedBroker broker) throws Exception {
        Setup s = setup(broker);
        try (TestTrainer trainer = s.trainer) {
            RobotChild first = launch(broker, s.fleet, s.state, s.keyFile, s.factory, "COMMITTING");
            first.await("RUNNING nav 1.0.0 verified=true", 20_000);
            PreparedRelease rel = trainer.prepare(fx.nav("1.1.0"), 1024, 300);
            trainer.releaseFleetWide(rel);
            first.await("STEP ACTIVATED " + rel.manifest().releaseId(), 20_000);
            first.await("HALT COMMITTING", 20_000);
            first.kill9();
            OtaState killed = OtaState.parse(Files.readAllBytes(s.state.resolve("ota-state.json")));
            assertEquals(OtaState.Phase.TRIAL, killed.candidate().phase(), "the new policy ran uncommitted");

            RobotChild second = launch(broker, s.fleet, s.state, s.keyFile, s.factory, "-");
            second.await("STEP ROLLED_BACK " + rel.manifest().releaseId(), 20_000);
            second.await("STEP BOOTED nav-1.0.0", 20_000);
            second.await("RUNNING nav 1.0.0 verified=true", 20_000);
            assertTrue(Fixtures.await(10_000, () -> {
                var r = trainer.report(rel.manifest().releaseId(), dev.myelin.bridge.wire.HealthReport.Event.ROLLED_BACK);
                return r != null && r.reason().contains("restarted");
            }), "the rollback was reported: " + trainer.reports);
            Thread.sleep(500);
            second.stop();
            OtaState after = assertCommittedOnDisk(s.state, "1.0.0");
            assertNull(after.candidate());
            assertTrue(after.failed().contains(rel.manifest().fileSha256()), "not retried without a command");
        }
    }

    @Test
    void killedAfterTheCommitRecordBootsTheNewPolicy(EmbeddedBroker broker) throws Exception {
        Setup s = setup(broker);
        try (TestTrainer trainer = s.trainer) {
            RobotChild first = launch(broker, s.fleet, s.state, s.keyFile, s.factory, "COMMITTED");
            first.await("RUNNING nav 1.0.0 verified=true", 20_000);
            PreparedRelease rel = trainer.prepare(fx.nav("1.1.0"), 1024, 300);
            trainer.releaseFleetWide(rel);
            first.await("HALT COMMITTED", 20_000);
            first.kill9();

            RobotChild second = launch(broker, s.fleet, s.state, s.keyFile, s.factory, "-");
            assertNotNull(second.await("STEP BOOTED " + rel.manifest().releaseId(), 20_000));
            second.await("RUNNING nav 1.1.0 verified=true", 20_000);
            second.stop();
            OtaState after = assertCommittedOnDisk(s.state, "1.1.0");
            assertNull(after.candidate());
        }
    }
}
