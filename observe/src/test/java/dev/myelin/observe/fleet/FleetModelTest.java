package dev.myelin.observe.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.myelin.bridge.wire.HealthReport;
import dev.myelin.bridge.wire.ReleaseKeys;
import dev.myelin.bridge.wire.ReleaseManifest;
import dev.myelin.bridge.wire.ReleaseSigner;
import dev.myelin.bridge.wire.RobotStatus;
import dev.myelin.bridge.wire.Topics;
import dev.myelin.policy.bundle.ReleaseVersion;
import dev.myelin.policy.bundle.SigningKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the dashboard accepts from the broker, what it refuses, and how releases move through their states. */
class FleetModelTest {

    private static final String SHA = "ab".repeat(32);
    private final KeyPair key = SigningKeys.generate();
    private final ReleaseSigner signer = new ReleaseSigner(key.getPrivate());
    private long now = 1_000;
    private final FleetModel model = new FleetModel("lab", ReleaseKeys.of(key.getPublic()), () -> now);

    @TempDir
    Path tmp;

    private ReleaseManifest manifest(String version, ReleaseManifest.Stage stage, List<String> canaries, String channel) {
        ReleaseVersion v = ReleaseVersion.parse(version);
        return new ReleaseManifest("lab", channel, "nav", ReleaseManifest.releaseId("nav", v, SHA), v, SHA, SHA,
                SigningKeys.keyId(key.getPublic()), 1024, 1024, List.of(SHA), stage, canaries,
                ReleaseManifest.Activation.IMMEDIATE, 1000, now);
    }

    private void online(String robot, String version) {
        model.onStatus(Topics.status("lab", robot), new RobotStatus(robot, "lab", true, "nav", version, SHA, "idle", now).toBytes());
    }

    private void health(String robot, ReleaseManifest m, HealthReport.Event event, long safety) {
        model.onHealth(Topics.health("lab", robot), new HealthReport(robot, "nav", m.releaseId(), m.version().toString(), SHA,
                event, event == HealthReport.Event.ROLLED_BACK ? "health check failed" : "", 100, safety, 0, 0, now).toBytes());
    }

    private JsonNode release(String id) {
        for (JsonNode r : model.snapshot().get("releases")) {
            if (r.get("id").asText().equals(id)) {
                return r;
            }
        }
        return null;
    }

    @Test
    void aReleaseGoesFromCanaryToPromotedToCommittedAndTheNextIsRolledBack() {
        online("r1", "1.0.0");
        online("r2", "1.0.0");
        ReleaseManifest canary = manifest("1.1.0", ReleaseManifest.Stage.CANARY, List.of("r1"), "stable");
        model.onManifest(Topics.manifest("lab", "nav", "stable"), canary.seal(signer));
        assertEquals("canary", release(canary.releaseId()).get("state").asText());
        now += 100;
        health("r1", canary, HealthReport.Event.ACTIVATED, 0);
        health("r1", canary, HealthReport.Event.COMMITTED, 0);
        model.onManifest(Topics.manifest("lab", "nav", "stable"),
                canary.withStage(ReleaseManifest.Stage.FLEET, List.of(), now).seal(signer));
        assertEquals("promoted", release(canary.releaseId()).get("state").asText());
        health("r2", canary, HealthReport.Event.COMMITTED, 0);
        JsonNode good = release(canary.releaseId());
        assertEquals("committed", good.get("state").asText(), "every online robot committed");
        assertEquals(List.of("manifest", "canary", "robot-activated", "robot-committed", "promoted", "robot-committed",
                "committed"), kinds(good));

        ReleaseManifest bad = manifest("1.2.0", ReleaseManifest.Stage.CANARY, List.of("r2"), "stable");
        model.onManifest(Topics.manifest("lab", "nav", "stable"), bad.seal(signer));
        health("r2", bad, HealthReport.Event.ROLLED_BACK, 7);
        // The rollout puts the previous manifest back on the channel.
        model.onManifest(Topics.manifest("lab", "nav", "stable"),
                canary.withStage(ReleaseManifest.Stage.FLEET, List.of(), now).seal(signer));
        JsonNode rolled = release(bad.releaseId());
        assertEquals("rolled-back", rolled.get("state").asText());
        assertEquals("r2: health check failed", rolled.get("reason").asText());
        assertEquals(List.of("manifest", "canary", "robot-rolled-back", "rolled-back"), kinds(rolled));
        assertEquals("committed", release(canary.releaseId()).get("state").asText(), "the good release stays committed");
        JsonNode r2 = model.snapshot().get("robots").get(1);
        assertEquals(7, r2.at("/totals/safety_interventions").asLong());
        assertEquals("1.2.0", r2.at("/slots/rolled_back").asText());
        assertEquals("1.1.0", r2.at("/slots/committed").asText());
        assertEquals(0, model.snapshot().get("refused").asLong());
    }

    @Test
    void aRobotsLoopTimingAndExperienceBacklogReachTheModel() {
        model.onStatus(Topics.status("lab", "r1"), new RobotStatus("r1", "lab", true, "nav", "1.0.0", SHA, "idle", now,
                java.util.Map.of(), new RobotStatus.Telemetry(new RobotStatus.Loop(63, 912, 2), 4096)).toBytes());
        online("r2", "1.0.0");
        JsonNode r1 = model.snapshot().at("/robots/0");
        assertEquals("r1", r1.get("id").asText());
        assertEquals(63, r1.at("/loop/jitter_p99_us").asLong());
        assertEquals(912, r1.at("/loop/io_p99_us").asLong());
        assertEquals(2, r1.at("/loop/deadline_misses").asLong());
        assertEquals(4096, r1.get("experience_backlog").asLong());
        JsonNode r2 = model.snapshot().at("/robots/1");
        assertFalse(r2.has("loop") || r2.has("experience_backlog"), "r2 reported neither: " + r2);

        // A newer status replaces the figures; a status with a bad figure is refused and the last good one stays.
        now += 3000;
        model.onStatus(Topics.status("lab", "r1"), new RobotStatus("r1", "lab", true, "nav", "1.0.0", SHA, "idle", now,
                java.util.Map.of(), new RobotStatus.Telemetry(new RobotStatus.Loop(70, 930, 3), 12)).toBytes());
        String bad = new String(new RobotStatus("r1", "lab", true, "nav", "1.0.0", SHA, "idle", now).toBytes(),
                StandardCharsets.UTF_8).replace("}", ",\"loop\":{\"jitter_p99_us\":-5,\"io_p99_us\":1,\"deadline_misses\":0}}");
        model.onStatus(Topics.status("lab", "r1"), bad.getBytes(StandardCharsets.UTF_8));
        JsonNode snap = model.snapshot();
        assertEquals(70, snap.at("/robots/0/loop/jitter_p99_us").asLong());
        assertEquals(12, snap.at("/robots/0/experience_backlog").asLong());
        assertEquals(1, snap.get("refused").asLong());
        assertTrue(snap.at("/refusals/0").asText().contains("status.loop.jitter_p99_us"), snap.get("refusals").toString());
        // Offline, the robot's figures are no longer shown as current.
        model.onStatus(Topics.status("lab", "r1"), RobotStatus.offline("r1", "lab").toBytes());
        assertFalse(model.snapshot().at("/robots/0").has("loop"));
    }

    @Test
    void untrustedOrMisplacedPayloadsAreRefusedAndNeverShown() {
        KeyPair rogue = SigningKeys.generate();
        ReleaseManifest m = manifest("2.0.0", ReleaseManifest.Stage.FLEET, List.of(), "stable");
        model.onManifest(Topics.manifest("lab", "nav", "stable"), m.seal(new ReleaseSigner(rogue.getPrivate())));
        // Correctly signed, but published on another channel's topic than it names.
        model.onManifest(Topics.manifest("lab", "nav", "beta"), m.seal(signer));
        // A robot speaking for another robot, and a payload that is not JSON.
        model.onStatus(Topics.status("lab", "r1"), new RobotStatus("r2", "lab", true, "nav", "1.0.0", SHA, "idle", now).toBytes());
        model.onHealth(Topics.health("lab", "r1"), "{\"v\":1,".getBytes(StandardCharsets.UTF_8));
        // An empty (unsigned) payload clears a channel; it is noted, and proves no rollback.
        ReleaseManifest canary = manifest("1.5.0", ReleaseManifest.Stage.CANARY, List.of("r9"), "stable");
        model.onManifest(Topics.manifest("lab", "nav", "stable"), canary.seal(signer));
        model.onManifest(Topics.manifest("lab", "nav", "stable"), new byte[0]);
        assertEquals("canary", release(canary.releaseId()).get("state").asText());
        assertEquals(List.of("manifest", "canary", "channel-cleared"), kinds(release(canary.releaseId())));
        JsonNode s = model.snapshot();
        assertEquals(4, s.get("refused").asLong());
        assertEquals(1, s.get("releases").size(), "only the correctly signed release");
        assertEquals(0, s.get("robots").size());
        List<String> why = new java.util.ArrayList<>();
        s.get("refusals").forEach(n -> why.add(n.asText()));
        assertTrue(why.get(3).contains("not trusted"), why.get(3));
        assertTrue(why.get(2).contains("came on myelin/lab/releases/nav/beta"), why.get(2));
        assertTrue(why.get(1).contains("speaks for lab/r2"), why.get(1));
        assertTrue(why.get(0).startsWith("myelin/lab/robots/r1/health"), why.get(0));
    }

    @Test
    void metricsCsvErrorsNameFileLineAndColumn() throws IOException {
        Path ok = tmp.resolve("metrics.csv");
        Files.writeString(ok, "total_steps,eval_return\n100,1.5\n200,\n300,NaN\n");
        MetricsCsv.Run run = MetricsCsv.read(ok);
        assertEquals(List.of("total_steps", "eval_return"), run.columns());
        assertEquals(3, run.rows().size());
        assertEquals(1.5, run.rows().get(0)[1]);
        assertEquals(null, run.rows().get(1)[1]);
        assertEquals(null, run.rows().get(2)[1]);

        Files.writeString(ok, "total_steps,eval_return\n100,1.5\n200,abc\n");
        IOException e = assertThrows(IOException.class, () -> MetricsCsv.read(ok));
        assertTrue(e.getMessage().contains("metrics.csv line 3, column eval_return: 'abc' is not a number"), e.getMessage());
        Files.writeString(ok, "total_steps,eval_return\n100\n");
        e = assertThrows(IOException.class, () -> MetricsCsv.read(ok));
        assertTrue(e.getMessage().contains("line 2: 1 values, the header names 2"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }

    private static List<String> kinds(JsonNode release) {
        List<String> l = new java.util.ArrayList<>();
        release.get("events").forEach(e -> l.add(e.get("kind").asText()));
        return l;
    }
}
