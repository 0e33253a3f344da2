package dev.myelin.bridge.ota;

import dev.myelin.bridge.BrokerExtension;
import dev.myelin.bridge.Fixtures;
import dev.myelin.bridge.SharedBroker;
import dev.myelin.bridge.TestRobot;
import dev.myelin.bridge.TestTrainer;
import dev.myelin.bridge.mqtt.EmbeddedBroker;
import dev.myelin.bridge.release.FleetView;
import dev.myelin.bridge.release.PreparedRelease;
import dev.myelin.bridge.wire.FleetCommand;
import dev.myelin.bridge.wire.ReleaseManifest;
import dev.myelin.bridge.wire.RobotStatus;
import dev.myelin.bridge.wire.Topics;
import dev.myelin.policy.bundle.TrustedKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 10 s flood of refused messages (manifests and commands signed by an untrusted key, and malformed
 * manifests) writes a handful of log lines, not one per message, and the robot counts every refusal by cause,
 * in its snapshot, its retained status and its diagnostics.
 */
@ExtendWith(BrokerExtension.class)
class RefusalFloodTest {

    @TempDir
    Path tmp;

    private final Fixtures fx = new Fixtures();

    @Test
    void aFloodOfRefusedMessagesIsCountedByCauseAndLoggedInAFewLines(EmbeddedBroker broker) throws Exception {
        String fleet = SharedBroker.fleet("flood");
        Path factory = Fixtures.write(tmp, "nav-1.0.0.myl", fx.nav("1.0.0"));
        Fixtures attacker = new Fixtures();
        ReleaseManifest forgedManifest = PreparedRelease.of(attacker.nav("99.0.0"), TrustedKeys.of(attacker.releaseKey.getPublic()),
                fleet, "stable", PreparedRelease.DEFAULT_CHUNK_BYTES, 300, ReleaseManifest.Activation.IMMEDIATE).manifest();
        byte[] manifest = forgedManifest.seal(attacker.signer);
        long now = System.currentTimeMillis();
        byte[] command = new FleetCommand("c-1", fleet, "r1", FleetCommand.Action.PAUSE, "nav", null, null, now, now + 60_000)
                .seal(attacker.signer);
        byte[] garbage = "{\"v\":1,\"kind\":\"signed\"".getBytes(StandardCharsets.UTF_8);

        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.INFO.intValue() && r.getLoggerName() != null
                        && r.getLoggerName().startsWith("dev.myelin")) {
                    records.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        try (TestRobot robot = TestRobot.start("r1", fleet, tmp.resolve("r1"), fx, broker.endpoint(), factory, null);
             TestTrainer trainer = new TestTrainer(broker.endpoint(), fx, fleet)) {
            FleetView view = new FleetView(trainer.link, fleet);
            assertTrue(Fixtures.await(10_000, robot::connected), "robot connects");
            Thread.sleep(300);
            Logger root = Logger.getLogger("");
            root.addHandler(capture);
            long[] sent = new long[3];
            try {
                long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                String manifestTopic = Topics.manifest(fleet, "nav", "stable");
                String commandTopic = Topics.command(fleet, "r1");
                for (int i = 0; System.nanoTime() < end; i++) {
                    int kind = i % 3;
                    byte[] p = kind == 0 ? manifest : kind == 1 ? command : garbage;
                    String topic = kind == 1 ? commandTopic : manifestTopic;
                    if (trainer.link.publishAndWait(topic, p, 1, false, Duration.ofSeconds(5))) {
                        sent[kind]++;
                    }
                }
                long total = sent[0] + sent[1] + sent[2];
                assertTrue(Fixtures.await(30_000, () -> robot.agent.snapshot().payloadsRefused() >= total),
                        "refused " + robot.agent.snapshot().payloadsRefused() + " of " + total);
                assertTrue(Fixtures.await(5_000, () -> records.stream().anyMatch(r -> r.getMessage().contains("more in the last"))),
                        "a summary line: " + lines(records));
            } finally {
                root.removeHandler(capture);
            }
            System.out.println("flood: " + (sent[0] + sent[1] + sent[2]) + " refused messages, " + records.size()
                    + " log lines:\n" + lines(records));
            Map<String, Long> expected = Map.of("manifest:envelope.key_id", sent[0], "command:envelope.key_id", sent[1],
                    "manifest:envelope", sent[2]);
            assertEquals(expected, robot.agent.snapshot().refusals());
            assertTrue(sent[0] + sent[1] + sent[2] > 300, "a flood: " + sent[0] + sent[1] + sent[2]);
            assertTrue(records.size() <= 24, records.size() + " log lines:\n" + lines(records));
            for (String cause : expected.keySet()) {
                assertEquals(1, records.stream().filter(r -> r.getMessage().contains("refused (" + cause + ")")).count(),
                        "the first " + cause + " is logged once with its detail");
            }
            Map<String, String> diagnostics = robot.agent.diagnostics();
            assertEquals(Long.toString(sent[0] + sent[1] + sent[2]), diagnostics.get("ota.refused"));
            assertEquals(Long.toString(sent[1]), diagnostics.get("ota.refused.command:envelope.key_id"));
            // The retained status carries the counts (republished at most once per summary interval).
            assertTrue(Fixtures.await(15_000, () -> {
                RobotStatus s = view.statuses().get("r1");
                return s != null && s.refused().equals(expected);
            }), "status: " + view.statuses().get("r1"));
            assertEquals("1.0.0", robot.committedVersion());
        }
    }

    private static String lines(List<LogRecord> records) {
        StringBuilder b = new StringBuilder();
        records.forEach(r -> b.append("  ").append(r.getLevel()).append(' ').append(r.getMessage()).append('\n'));
        return b.toString();
    }
}
