package dev.myelin.launch.observe;

import dev.myelin.launch.Myelin;
import dev.myelin.observe.mcap.McapReader;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.msg.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bag record}, {@code bag info} and {@code bag recover} from the command line against a live topic. */
class BagCommandTest {
    @Test
    void recordInfoAndRecoverFromTheCommandLine(@TempDir Path dir) throws Exception {
        int domain = ThreadLocalRandom.current().nextInt(101, 200);
        Path file = dir.resolve("cli.mcap");
        try (Context ctx = Context.builder().domainId(domain).localhostOnly(true).build()) {
            Node node = ctx.createNode("cli_pub");
            Publisher pub = node.createPublisher("/cli/cmd_vel", "geometry_msgs/msg/Twist", Qos.DEFAULT);
            Message m = pub.type().newMessage();
            var x = pub.type().field("linear.x");
            boolean[] running = {true};
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                for (int i = 0; running[0]; i++) {
                    m.setDouble(x, i);
                    pub.publish(m);
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            int rc = new CommandLine(new Myelin()).execute("bag", "record", "/cli/cmd_vel", "-o", file.toString(),
                    "--duration", "2", "--domain", String.valueOf(domain), "--localhost-only");
            running[0] = false;
            t.join();
            assertEquals(0, rc);
        }
        long count;
        try (McapReader r = McapReader.open(file)) {
            assertTrue(r.isIndexed());
            count = r.messageCount();
            assertTrue(count > 50, count + " messages recorded in 2 s at 100 Hz");
            assertEquals("/cli/cmd_vel", r.channels().get(0).topic());
        }

        CommandLine cli = new CommandLine(new Myelin());
        OutCapture capture = new OutCapture();
        assertEquals(0, capture.run(() -> cli.execute("bag", "info", file.toString())));
        assertTrue(capture.text().contains("Topic: /cli/cmd_vel | Type: geometry_msgs/msg/Twist | Count: " + count),
                capture.text());

        Path fixed = dir.resolve("fixed.mcap");
        assertEquals(0, new CommandLine(new Myelin()).execute("bag", "recover", file.toString(), "-o", fixed.toString()));
        try (McapReader r = McapReader.open(fixed)) {
            assertEquals(count, r.messageCount());
        }

        // neither -a nor topics: refused
        assertNotEquals(0, new CommandLine(new Myelin()).execute("bag", "record", "-o", dir.resolve("x.mcap").toString(),
                "--duration", "0.1"));
        assertTrue(!Files.exists(dir.resolve("x.mcap")));
    }

    /** Captures System.out around a call. */
    private static final class OutCapture {
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

        int run(java.util.function.IntSupplier call) {
            java.io.PrintStream old = System.out;
            System.setOut(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
            try {
                return call.getAsInt();
            } finally {
                System.setOut(old);
            }
        }

        String text() {
            return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
