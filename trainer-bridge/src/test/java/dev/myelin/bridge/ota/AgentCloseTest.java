package dev.myelin.bridge.ota;

import dev.myelin.bridge.BrokerExtension;
import dev.myelin.bridge.Fixtures;
import dev.myelin.bridge.SharedBroker;
import dev.myelin.bridge.TestRobot;
import dev.myelin.bridge.TestTrainer;
import dev.myelin.bridge.mqtt.EmbeddedBroker;
import dev.myelin.bridge.release.FleetView;
import dev.myelin.bridge.wire.RobotStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An agent that publishes its status every millisecond and is then closed leaves {@code offline} as its
 * retained status: no periodic status can overtake the offline one on the way out.
 */
@ExtendWith(BrokerExtension.class)
class AgentCloseTest {

    @TempDir
    Path tmp;

    private final Fixtures fx = new Fixtures();

    @Test
    void theLastRetainedStatusOfAClosedAgentIsOffline(EmbeddedBroker broker) throws Exception {
        String fleet = SharedBroker.fleet("close");
        Path factory = Fixtures.write(tmp, "nav-1.0.0.myl", fx.nav("1.0.0"));
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            String id = "r" + i;
            ids.add(id);
            TestRobot robot = TestRobot.start(id, fleet, tmp.resolve(id), fx, broker.endpoint(), factory,
                    ctx -> ctx.telemetry(() -> RobotStatus.Telemetry.NONE, Duration.ofMillis(1)));
            try {
                assertTrue(Fixtures.await(10_000, robot::connected), id + " connects");
                Thread.sleep(50 + 10L * i); // periodic statuses in flight when the agent closes
            } finally {
                robot.close();
            }
        }
        try (TestTrainer trainer = new TestTrainer(broker.endpoint(), fx, fleet)) {
            FleetView view = new FleetView(trainer.link, fleet);
            assertTrue(Fixtures.await(10_000, () -> view.statuses().keySet().containsAll(ids)),
                    "every robot's retained status arrives: " + view.statuses().keySet());
            Map<String, RobotStatus> statuses = view.statuses();
            for (String id : ids) {
                assertFalse(statuses.get(id).online(), id + "'s retained status after close: " + statuses.get(id));
            }
            assertEquals(ids.size(), statuses.size());
        }
    }
}
