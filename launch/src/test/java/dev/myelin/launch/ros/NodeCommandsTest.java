package dev.myelin.launch.ros;

import dev.myelin.launch.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node commands run the launch files' node classes: {@code ./myelin controller} and {@code ./myelin sim-node}
 * start, run for a moment on a loopback domain, and report what they did.
 */
class NodeCommandsTest {

    @Test
    void theControllerCommandVerifiesRunsAndReports(@TempDir Path dir) throws Exception {
        Path bundle = dir.resolve("nav-v1.myl");
        try (var in = NodeCommandsTest.class.getResourceAsStream("/dev/myelin/launch/demo/nav-v1.myl")) {
            Files.write(bundle, in.readAllBytes());
        }
        int domain = ThreadLocalRandom.current().nextInt(161, 232);
        CliRun r = CliRun.of("controller", "--params", "params/nav-24.yaml", "--bundle", bundle.toString(), "--duration", "1",
                "--domain", String.valueOf(domain), "--localhost-only", "--namespace", "/r1");
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("warning: no trusted_keys in params/nav-24.yaml: unsigned bundles are accepted"), r.out());
        assertTrue(r.out().contains("bundle 'nav' 1.0.0 (") && r.out().contains(" verified (unsigned), engine event warmed up"), r.out());
        assertTrue(r.out().contains("/r1/controller on ROS domain " + domain + ": 100 Hz, spin-then-park, active"), r.out());
        Matcher ticks = Pattern.compile("(?m)^  ticks = (\\d+)$").matcher(r.out());
        assertTrue(r.out().contains("stopped:") && ticks.find(), r.out());
        assertTrue(Long.parseLong(ticks.group(1)) > 20, "the loop ran for a second at 100 Hz: " + r.out());
        assertTrue(r.out().contains("  swaps = 1"), r.out());
    }

    @Test
    void theSimNodeCommandRunsEpisodesAndReports() {
        int domain = ThreadLocalRandom.current().nextInt(161, 232);
        CliRun r = CliRun.of("sim-node", "--task", "diffdrive-nav", "--rate", "0", "--duration", "1", "--domain", String.valueOf(domain),
                "--localhost-only", "--name", "sim1");
        assertEquals(0, r.code(), r.err() + r.out());
        assertTrue(r.out().contains("diffdrive-nav on ROS domain " + domain + " as /sim1: 1 robot(s), "), r.out());
        assertTrue(r.out().contains("real-time factor unbounded"), r.out());
        Matcher episodes = Pattern.compile("stopped: .*episodes=(\\d+)").matcher(r.out());
        assertTrue(episodes.find(), r.out());
    }
}
