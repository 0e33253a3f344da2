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
                        assertTrue(Fixtures.await(20_000, () -> uploader.transitionsAcked() > outbox.recorded() / 2
                                && robotLink.isConnected()), "uploading again after the outage");
                        Thread.sleep(300);
                        // Robot stops abruptly: unacknowledged records stay in the outbox for the next run.
                        sim.close();
                        uploader.close();
                        robotLink.dropConnection();
                        robotLink.close();
                        recorded += outbox.recorded();
                        outbox.close();
                    } else {
                        Thread.sleep(500);
                        sim.close();
                        assertTrue(uploader.drain(Duration.ofSeconds(30)), "all acknowledged: " + uploader.transitionsAcked()
                                + " of " + outbox.recorded());
                        uploader.close();
                        robotLink.close();
                        recorded += outbox.recorded();
                        assertEquals(0, outbox.dropped());
                        outbox.close();
                    }
                }
                List<Transition> got = store.transitions();
                assertEquals(recorded, got.size(), "every recorded transition arrived once");
                Set<String> ids = new HashSet<>();
                long lastTime = Long.MIN_VALUE;
                for (Transition t : got) {
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
