package dev.myelin.bridge.ota;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** A {@link RobotProcess} in a JVM of its own and the lines it prints (every line is also kept). */
final class RobotChild {

    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<String> all = new java.util.concurrent.CopyOnWriteArrayList<>();

    private RobotChild(Process process) {
        this.process = process;
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                    all.add(line);
                }
            } catch (IOException e) {
                // process gone
            }
        }, "robot-process-output");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Starts {@link RobotProcess} with {@code jvmOptions} (e.g. {@code -Xmx128m}) and its arguments: broker
     * URI, robot id, fleet, state folder, trusted key PEM, factory bundle, halt step.
     */
    static RobotChild launch(List<String> jvmOptions, String brokerUri, String robot, String fleet, Path state, Path keyFile,
                             Path factory, String haltAt) throws IOException {
        List<String> cmd = dev.myelin.bridge.ChildJvm.command(jvmOptions, RobotProcess.class.getName(), List.of(brokerUri,
                robot, fleet, state.toString(), keyFile.toString(), factory.toString(), haltAt));
        return new RobotChild(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /** Waits for a line starting with {@code prefix}; fails with everything seen so far. */
    String await(String prefix, long timeoutMs) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            String l = lines.poll(50, TimeUnit.MILLISECONDS);
            if (l != null) {
                seen.add(l);
                if (l.startsWith(prefix)) {
                    return l;
                }
            }
        }
        fail("no '" + prefix + "' from the robot process; it printed: " + String.join(" | ", seen));
        return null;
    }

    void kill9() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no flushing, no cleanup
        assertTrue(process.waitFor(10, TimeUnit.SECONDS));
    }

    void stop() throws Exception {
        process.getOutputStream().close(); // the robot process exits when its stdin closes
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
