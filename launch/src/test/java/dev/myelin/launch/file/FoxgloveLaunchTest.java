package dev.myelin.launch.file;

import dev.myelin.observe.foxglove.FoxgloveProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code kind: foxglove} in a launch file: a sim node's topics reach a Foxglove client. */
class FoxgloveLaunchTest {

    @Test
    void aFoxgloveNodeServesTheSimNodesTopics(@TempDir Path dir) throws Exception {
        int domain = ThreadLocalRandom.current().nextInt(161, 232);
        Path f = dir.resolve("live.yaml");
        Files.writeString(f, """
                launch:
                  - node:
                      name: sim
                      kind: sim-node
                      param:
                        - {name: task, value: diffdrive-nav}
                        - {name: rate, value: 2}
                        - {name: domain, value: %d}
                        - {name: localhost_only, value: true}
                  - node:
                      name: live
                      kind: foxglove
                      param:
                        - {name: port, value: 0}
                        - {name: host, value: 127.0.0.1}
                        - {name: topics, value: "/scan,/odom,/tf"}
                        - {name: domain, value: %d}
                        - {name: localhost_only, value: true}
                """.formatted(domain, domain));
        LaunchFile file = LaunchFile.read(f, Map.of());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        LaunchRunner runner = new LaunchRunner(file, new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            runner.start();
            FoxgloveNode live = (FoxgloveNode) runner.node("live");
            try (FoxgloveProbe probe = FoxgloveProbe.connect(URI.create("ws://127.0.0.1:" + live.port()), false)) {
                long end = System.nanoTime() + 20_000_000_000L;
                while ((probe.subscriptions() < 3 || probe.messages() < 30) && System.nanoTime() < end) {
                    Thread.sleep(50);
                }
                assertTrue(probe.subscriptions() == 3, "subscribed to /scan, /odom and /tf: " + probe.subscriptions());
                assertTrue(probe.messages() >= 30, "messages received: " + probe.messages());
            }
        } finally {
            runner.close();
        }
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("[launch] live stopped"), buf.toString(StandardCharsets.UTF_8));
    }
}
