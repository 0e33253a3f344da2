package dev.myelin.ros2.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A running peer program whose standard output is read line by line on a background thread and
 * whose standard error is kept for error messages. Closing it closes its standard input (which
 * ends a peer in pong mode) and then destroys it.
 */
public final class PeerProcess implements AutoCloseable {
    private static final String EOF = "\u0000EOF";

    private final String name;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = new ArrayList<>();
    private final StringBuffer errors = new StringBuffer();

    PeerProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread.ofPlatform().daemon().name(name + "-stdout").start(() -> pump(process.inputReader(StandardCharsets.UTF_8), true));
        Thread.ofPlatform().daemon().name(name + "-stderr").start(() -> pump(process.errorReader(StandardCharsets.UTF_8), false));
    }

    private void pump(BufferedReader reader, boolean out) {
        try (BufferedReader r = reader) {
            String line;
            while ((line = r.readLine()) != null) {
                if (out) {
                    synchronized (all) {
                        all.add(line);
                    }
                    lines.add(line);
                } else {
                    errors.append(line).append('\n');
                }
            }
        } catch (IOException ignored) {
            // the process went away
        } finally {
            if (out) {
                lines.add(EOF);
            }
        }
    }

    /** Starts {@code command} with extra environment variables. */
    public static PeerProcess start(String name, List<String> command, java.util.Map<String, String> environment)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(environment);
        return new PeerProcess(name, pb.start());
    }

    /**
     * The next output line starting with {@code prefix}, skipping others.
     *
     * @throws IllegalStateException naming the peer, its exit and its stderr when the line does not come in time
     */
    public String awaitLine(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null || line.equals(EOF)) {
                if (line != null) {
                    lines.add(EOF);
                }
                throw new IllegalStateException(name + " did not print '" + prefix + "' within " + timeout
                        + (process.isAlive() ? "" : " (exited with " + process.exitValue() + ")")
                        + "; stderr: " + errors.toString().strip());
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /** Waits for the process to end and returns its exit code. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " still running after " + timeout + "; stderr: " + errors);
        }
        return process.exitValue();
    }

    /** Closes the process's standard input (a pong peer then finishes). */
    public void endInput() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** Every stdout line so far. */
    public List<String> output() {
        synchronized (all) {
            return List.copyOf(all);
        }
    }

    public String errorOutput() {
        return errors.toString();
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
