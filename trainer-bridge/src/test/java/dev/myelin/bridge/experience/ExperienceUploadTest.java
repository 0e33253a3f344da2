package dev.myelin.bridge.experience;

import dev.myelin.bridge.Fixtures;
import dev.myelin.bridge.MosquittoBroker;
import dev.myelin.bridge.mqtt.BrokerEndpoint;
import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.sim.SimulatedRobot;
import dev.myelin.bridge.wire.Topics;
import dev.myelin.policy.bundle.BundleReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A simulated robot records its transitions into the outbox while the uploader sends them through a real
 * Mosquitto broker to the trainer's ingest; the broker is restarted (losing everything it held) and the
 * robot's uploader and outbox are restarted midway. The trainer must end up with every recorded transition
 * exactly once.
 */
class ExperienceUploadTest {

    @TempDir
    Path tmp;

    private final Fixtures fx = new Fixtures();

    private static MqttLink link(BrokerEndpoint e, String id) throws Exception {
        MqttLink l = new MqttLink(new MqttLink.Options().clientId(id).endpoint(e));
        l.start();
        return l;
    }

    @Test
    void nothingLostOrDuplicatedAcrossBrokerOutagesAndRobotRestarts() throws Exception {
        String fleet = "lab";
        Path outboxDir = tmp.resolve("outbox");
        try (MosquittoBroker broker = MosquittoBroker.start(tmp.resolve("mosquitto"), new MosquittoBroker.Config())) {
            ExperienceStore store = ExperienceStore.open(tmp.resolve("experience"));
            try (MqttLink trainer = link(broker.endpoint(), "trainer-ingest");
                 ExperienceIngest ingest = new ExperienceIngest(trainer, fleet, store)) {
                long recorded = 0;
                List<Long> perRun = new java.util.ArrayList<>();
                for (int run = 0; run < 2; run++) { // the second run is the robot after a restart
                    ExperienceOutbox outbox = ExperienceOutbox.open(outboxDir, "r1",
                            new ExperienceOutbox.Options().segmentBytes(1 << 20));
                    MqttLink robotLink = link(broker.endpoint(), "robot-r1");
                    ExperienceUploader uploader = new ExperienceUploader(outbox, robotLink, fleet, 16 * 1024, Duration.ofMillis(700));
                    uploader.start();
                    SimulatedRobot sim = new SimulatedRobot("r1", new SimulatedRobot.Options().period(Duration.ofMillis(1))
                            .recorder(outbox).episodeTicks(200), null);
                    sim.activate(sim.prepare(BundleReader.read(fx.nav("1.0.0"), fx.keys.bundleKeys()))).get();
                    sim.start();
                    assertTrue(Fixtures.await(10_000, () -> uploader.transitionsAcked() > 300), "uploading");
                    if (run == 0) {
                        broker.stop(); // everything the broker held is gone; the robot keeps recording
                        Thread.sleep(700);
                        broker.launch();
                        long ackedBefore = uploader.transitionsAcked();
                        assertTrue(Fixtures.await(20_000, () -> uploader.transitionsAcked() > ackedBefore + 300
                                && robotLink.isConnected()), "uploading again after the outage: acked " + uploader.transitionsAcked()
                                + " (" + ackedBefore + " before), sent " + uploader.batchesSent() + " batches, recorded "
                                + outbox.recorded() + ", connected " + robotLink.isConnected() + " (" + robotLink.connects() + " connects), trainer "
                                + trainer.isConnected() + " (" + trainer.connects() + " connects), ingest batches " + ingest.batches()
                                + " stored " + ingest.stored() + " refused " + ingest.refused() + ", problem: " + uploader.lastProblem()
                                + "\nbroker log:\n" + broker.log());
                        Thread.sleep(300);
                        // Robot stops abruptly: unacknowledged records stay in the outbox for the next run.
                        sim.close();
                        uploader.close();
                        robotLink.dropConnection();
                        robotLink.close();
                        recorded += outbox.recorded();
                        perRun.add(outbox.recorded());
                        outbox.close();
                    } else {
                        Thread.sleep(500);
                        sim.close();
                        long afterStop = outbox.recorded();
                        assertTrue(uploader.drain(Duration.ofSeconds(30)), "all acknowledged: " + uploader.transitionsAcked()
                                + " of " + outbox.recorded());
                        assertEquals(afterStop, outbox.recorded(), "nothing is recorded once the robot stopped");
                        uploader.close();
                        assertEquals(null, outbox.nextBatch(16 * 1024), "nothing is left in the outbox");
                        robotLink.close();
                        recorded += outbox.recorded();
                        perRun.add(outbox.recorded());
                        assertEquals(0, outbox.dropped());
                        outbox.close();
                    }
                }
                List<ExperienceTransition> got = store.transitions();
                StringBuilder gaps = new StringBuilder();
                java.util.Map<Long, java.util.List<Integer>> bySegment = new java.util.TreeMap<>();
                for (ExperienceTransition t : got) {
                    bySegment.computeIfAbsent(t.segment(), k -> new java.util.ArrayList<>()).add(t.index());
                }
                bySegment.forEach((seg, idx) -> {
                    gaps.append(" segment ").append(seg).append(": ").append(idx.size()).append(" records, last index ")
                            .append(idx.get(idx.size() - 1)).append(';');
                });
                assertEquals(recorded, got.size(), "every recorded transition arrived once;" + gaps + " recorded per run "
                        + perRun + ", ingest duplicates " + ingest.duplicates() + ", batches " + ingest.batches());
                Set<String> ids = new HashSet<>();
                long lastTime = Long.MIN_VALUE;
                for (ExperienceTransition t : got) {
                    assertTrue(ids.add(t.outboxId() + "/" + t.segment() + "/" + t.index()), "duplicate " + t);
                    assertEquals(6, t.observation().length);
                    assertEquals(2, t.action().length);
                    assertTrue(t.timeNanos() > lastTime, "in recording order");
                    lastTime = t.timeNanos();
                }
                assertTrue(ingest.refused() == 0 && ingest.stored() == recorded);
                assertTrue(Fixtures.await(1, () -> true));
                assertEquals(Topics.experience(fleet, "r1"), "myelin/lab/robots/r1/experience");
            }
        }
    }
}
