package dev.myelin.bridge.experience;

import dev.myelin.bridge.BrokerExtension;
import dev.myelin.bridge.Fixtures;
import dev.myelin.bridge.SharedBroker;
import dev.myelin.bridge.mqtt.EmbeddedBroker;
import dev.myelin.bridge.mqtt.MqttLink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(BrokerExtension.class)
class ExperienceSourceTest {

    @TempDir
    Path tmp;

    @Test
    void liveSourceStoresWhatRobotsUploadAndAFolderSourceReadsItBack(EmbeddedBroker broker) throws Exception {
        String fleet = SharedBroker.fleet("xp");
        Path store = tmp.resolve("store");
        try (ExperienceSource live = ExperienceSource.open("mqtt://127.0.0.1:" + broker.port() + "/" + fleet, store);
             ExperienceOutbox outbox = ExperienceOutbox.open(tmp.resolve("outbox"), "r7");
             MqttLink robot = new MqttLink(new MqttLink.Options().clientId("robot-r7-" + fleet).endpoint(broker.endpoint()))) {
            assertTrue(live.live());
            robot.start();
            ExperienceUploader up = new ExperienceUploader(outbox, robot, fleet);
            up.start();
            outbox.maintain();
            for (int i = 0; i < 500; i++) {
                assertTrue(outbox.record(new float[] {i, 1}, new float[] {-i}, i * 0.1f, i % 100 == 99, i, 3L));
            }
            assertTrue(up.drain(Duration.ofSeconds(20)));
            up.close();
            assertTrue(Fixtures.await(5_000, () -> live.size() == 500));
        }
        try (ExperienceSource folder = ExperienceSource.open(store.toString(), null)) {
            assertFalse(folder.live());
            var ts = folder.transitions();
            assertEquals(500, ts.size());
            assertEquals(499L, ts.get(499).timeNanos());
            assertEquals("r7", ts.get(0).robot());
        }
    }

    @Test
    void badSpecsAreRefusedNamingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExperienceSource.open("mqtt://127.0.0.1/", tmp));
        assertTrue(e.getMessage().contains("mqtt://host:port/<fleet>"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ExperienceSource.open(" ", tmp));
        assertThrows(IllegalArgumentException.class, () -> ExperienceSource.open("mqtt://127.0.0.1:1883/a+b", tmp));
    }
}
