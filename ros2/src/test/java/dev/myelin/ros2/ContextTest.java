package dev.myelin.ros2;

import dev.myelin.ros2.interop.PeerProcess;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lifecycle: configuration errors, closing, use after close, and clean shutdown on JVM exit. */
class ContextTest {

    @Test
    void domainIdsOutsideTheRosRangeAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Context.builder().domainId(233).build());
        assertTrue(e.getMessage().contains("233") && e.getMessage().contains("0..232"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Context.builder().domainId(-1).build());
    }

    @Test
    void oneDomainCannotBeOpenedInTwoModes() {
        try (Context loopback = TestDomain.context()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Context.builder().domainId(TestDomain.ID).localhostOnly(false).build());
            assertTrue(e.getMessage().contains("loopback-only"), e.getMessage());
            try (Context second = TestDomain.context()) {
                assertEquals(loopback.domainId(), second.domainId());
            }
        }
    }

    @Test
    void closingTheContextClosesEverythingAndIsIdempotent() throws Exception {
        Context ctx = TestDomain.context();
        Node node = ctx.createNode("closing");
        MessageType type = node.messageType("std_msgs/msg/Bool");
        Publisher pub = node.createPublisher("/context/closing", type, Qos.DEFAULT);
        Subscription sub = node.createSubscription("/context/closing", type, Qos.DEFAULT, (m, t) -> { });
        assertTrue(pub.waitForSubscriptions(1, Duration.ofSeconds(5)));
        ctx.close();
        ctx.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> pub.publish(type.newMessage()));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        assertThrows(IllegalStateException.class, () -> node.createPublisher("/x", type, Qos.DEFAULT));
        assertThrows(IllegalStateException.class, () -> ctx.createNode("late"));
        assertEquals(0, sub.matchedPublications());
        sub.close();
        node.close();
    }

    @Test
    void closingOnePublisherLeavesTheRestWorking() throws Exception {
        try (Context ctx = TestDomain.context()) {
            Node node = ctx.createNode("partial");
            MessageType type = node.messageType("std_msgs/msg/Int32");
            Subscription sub = node.createSubscription("/context/partial", type, Qos.DEFAULT);
            Publisher first = node.createPublisher("/context/partial", type, Qos.DEFAULT);
            Publisher second = node.createPublisher("/context/partial", type, Qos.DEFAULT);
            assertTrue(sub.waitForPublications(2, Duration.ofSeconds(5)));
            first.close();
            first.close();
            Message m = type.newMessage();
            m.setInt(type.field("data"), 5);
            second.publish(m);
            Message got = type.newMessage();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (sub.readLatest(got) == Subscription.NO_SAMPLE && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(5, got.getInt(type.field("data")));
            assertThrows(IllegalArgumentException.class, () -> node.createSubscription("/context/partial",
                    node.messageType("std_msgs/msg/Bool"), Qos.DEFAULT), "one type per topic");
        }
    }

    private static String contextFrom(Map<String, String> env) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (PeerProcess child = PeerProcess.start("env-context", List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), PrintEnvironmentContext.class.getName()), env)) {
            String line = child.awaitLine("", Duration.ofSeconds(30));
            child.waitFor(Duration.ofSeconds(20));
            return line;
        }
    }

    @Test
    void domainAndLoopbackModeComeFromTheRosEnvironment() throws Exception {
        String d = Integer.toString(TestDomain.ID);
        assertEquals("CONTEXT " + d + " true", contextFrom(Map.of("ROS_DOMAIN_ID", d, "ROS_LOCALHOST_ONLY", "1")));
        assertEquals("CONTEXT " + d + " true", contextFrom(Map.of("ROS_DOMAIN_ID", d, "ROS_AUTOMATIC_DISCOVERY_RANGE", "LOCALHOST")));
        String bad = contextFrom(Map.of("ROS_DOMAIN_ID", "seven"));
        assertTrue(bad.startsWith("ERROR") && bad.contains("ROS_DOMAIN_ID='seven'"), bad);
        String range = contextFrom(Map.of("ROS_DOMAIN_ID", "500"));
        assertTrue(range.contains("500") && range.contains("ROS_DOMAIN_ID"), range);
    }

    @Test
    void theJvmExitingDeletesTheParticipant() throws Exception {
        String topic = "/context/exit_" + ProcessHandle.current().pid();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (Context ctx = TestDomain.context();
             PeerProcess child = PeerProcess.start("exit-without-close", List.of(java, "--enable-native-access=ALL-UNNAMED",
                     "-cp", System.getProperty("java.class.path"), ExitWithoutClose.class.getName(),
                     Integer.toString(TestDomain.ID), topic), Map.of())) {
            child.awaitLine("READY", Duration.ofSeconds(30));
            Graph graph = ctx.graph();
            assertEquals(1, graph.await(e -> e.topic().equals(topic), 1, Duration.ofSeconds(10)).size());
            child.endInput(); // the child calls System.exit(0)
            assertEquals(0, child.waitFor(Duration.ofSeconds(20)), child.errorOutput());
            assertTrue(child.errorOutput().isBlank(), child.errorOutput());
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos(); // well under the 10 s lease
            while (!graph.publishers(topic).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(graph.publishers(topic).isEmpty(), "the participant said goodbye instead of timing out");
        }
    }
}
