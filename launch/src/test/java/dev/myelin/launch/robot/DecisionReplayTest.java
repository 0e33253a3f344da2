package dev.myelin.launch.robot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.myelin.controller.Controller;
import dev.myelin.controller.bringup.BringUp;
import dev.myelin.controller.bringup.GoalSeekingPopSan;
import dev.myelin.controller.config.ControllerParams;
import dev.myelin.controller.loop.IdleStrategy;
import dev.myelin.launch.Myelin;
import dev.myelin.observe.decision.DecisionRecorder;
import dev.myelin.observe.mcap.McapReader;
import dev.myelin.policy.bundle.BundleWriter;
import dev.myelin.policy.bundle.SigningKeys;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.node.SimNode;
import dev.myelin.sim.task.DiffDriveNav;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code controller --record} then {@code replay}: a controller drives the sim robot while its
 * decisions (and the topics) are recorded into one MCAP file; replaying the bundle that ran finds
 * no difference, replaying another reports where and how much its actions differ, with a plot.
 */
class DecisionReplayTest {
    @Test
    void replayFindsNoDifferenceForTheRecordedBundleAndReportsAnothers(@TempDir Path dir) throws Exception {
        ControllerParams p = BringUp.turtlebotNav().withRate(100, IdleStrategy.named("park")).withEngine("event");
        int sectors = p.observationSize() - 4;
        KeyPair key = SigningKeys.generate();
        byte[] recorded = new BundleWriter().setPolicy(GoalSeekingPopSan.turtlebot(sectors)).optName("nav")
                .optVersion("1.0.0").optSigningKey(key.getPrivate()).toBytes();
        byte[] candidate = new BundleWriter().setPolicy(GoalSeekingPopSan.create(sectors, 0.22f, 2.84f, 0.6f, 3f))
                .optName("nav").optVersion("1.1.0").optSigningKey(key.getPrivate()).toBytes();
        Path mcap = dir.resolve("run.mcap");
        int domain = ThreadLocalRandom.current().nextInt(101, 200);
        long decisions;
        try (Context simContext = Context.builder().domainId(domain).localhostOnly(true).build();
             Context controllerContext = Context.builder().domainId(domain).localhostOnly(true).build()) {
            Node simNode = simContext.createNode("myelin_sim");
            SimNode sim = new SimNode(simNode, new SimEnv(Tasks.simulator(TaskSpec.of(DiffDriveNav.NAME), 1)), 3, 0.5);
            boolean[] running = {true};
            Thread simThread = Thread.ofPlatform().daemon().start(() -> sim.run(2, () -> running[0]));
            Node node = controllerContext.createNode(p.nodeName());
            Controller controller = new Controller(p, node, TrustedKeys.of(key.getPublic()));
            controller.configure();
            ControllerRecording recording = ControllerRecording.start(controller, controllerContext, mcap, true);
            controller.host().swap(controller.host().prepare(recorded), Duration.ofSeconds(5));
            controller.activate();
            Thread.sleep(4000);
            decisions = controller.status().decisions();
            controller.close();
            recording.close(System.out);
            assertEquals(0, recording.decisions().dropped());
            assertEquals(0, controller.tickListenerErrors());
            running[0] = false;
            simThread.join(5000);
            sim.close();
        }
        assertTrue(decisions > 100, decisions + " decisions");

        try (McapReader r = McapReader.open(mcap)) {
            assertTrue(r.isIndexed());
            var topics = r.channels().values().stream().map(c -> c.topic()).toList();
            assertTrue(topics.contains(DecisionRecorder.TOPIC), topics.toString());
            assertTrue(topics.contains("/scan") && topics.contains("/cmd_vel"), "ROS topics next to decisions: " + topics);
        }

        Path same = dir.resolve("same.myl");
        Path other = dir.resolve("other.myl");
        Files.write(same, recorded);
        Files.write(other, candidate);
        ObjectMapper json = new ObjectMapper();

        int rc = new CommandLine(new Myelin()).execute("replay", mcap.toString(), "--bundle", same.toString(),
                "--json", dir.resolve("same.json").toString(), "--plot", dir.resolve("same.png").toString());
        assertEquals(0, rc);
        JsonNode s = json.readTree(dir.resolve("same.json").toFile());
        assertTrue(s.get("identical").asBoolean());
        assertTrue(s.get("compared").asLong() > 100, s.toString());
        assertEquals(0, s.get("differing").asLong());
        assertEquals(s.get("bundle_digest").asText(), s.get("recorded_digest").asText());
        assertTrue(s.get("max_abs_difference").asDouble() <= 1e-5, s.toString());

        rc = new CommandLine(new Myelin()).execute("replay", mcap.toString(), "--bundle", other.toString(),
                "--json", dir.resolve("other.json").toString(), "--plot", dir.resolve("other.png").toString());
        assertEquals(3, rc);
        JsonNode o = json.readTree(dir.resolve("other.json").toFile());
        assertFalse(o.get("identical").asBoolean());
        assertTrue(o.get("differing").asLong() > 0, o.toString());
        assertTrue(o.get("max_abs_difference").asDouble() > 0.01, o.toString());
        assertTrue(o.get("first_differing_tick").asLong() >= 0);
        assertFalse(o.get("bundle_digest").asText().equals(o.get("recorded_digest").asText()));
        assertTrue(Files.size(dir.resolve("other.png")) > 5000, "plot written");
        Path keep = Path.of("target", "replay");
        Files.createDirectories(keep);
        Files.copy(dir.resolve("other.png"), keep.resolve("replay-other-bundle.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
