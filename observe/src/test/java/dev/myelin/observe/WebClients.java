package dev.myelin.observe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The node programs in {@code src/test/node/web} (the Foxglove protocol client, the browser driver), with the npm
 * packages their committed {@code package-lock.json} pins, installed by {@code npm ci} once per test JVM.
 */
public final class WebClients {

    public static final Path DIR = Path.of("src/test/node/web").toAbsolutePath();
    private static boolean installed;

    private WebClients() {
    }

    /** Runs {@code npm ci} unless node_modules already matches the lock file. */
    public static synchronized void install() throws IOException, InterruptedException {
        if (installed) {
            return;
        }
        Path marker = DIR.resolve("node_modules/.package-lock.json");
        Path lock = DIR.resolve("package-lock.json");
        if (!Files.exists(marker) || Files.getLastModifiedTime(marker).compareTo(Files.getLastModifiedTime(lock)) < 0) {
            Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(DIR.toFile())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("npm ci in " + DIR + " failed:\n" + out);
            }
        }
        installed = true;
    }

    /** Starts {@code node SCRIPT ARGS...} in the web folder; stdout and stderr stay pipes. */
    public static Process start(String script, String... args) throws IOException, InterruptedException {
        install();
        List<String> cmd = new ArrayList<>(List.of("node", script));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(DIR.toFile()).start();
    }

    /** Runs a script to the end; returns its stdout, or throws with its stderr when it fails. */
    public static String run(long timeoutSeconds, String script, String... args) throws IOException, InterruptedException {
        Process p = start(script, args);
        p.getOutputStream().close();
        var err = new java.io.ByteArrayOutputStream();
        Thread drain = Thread.ofVirtual().start(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(script + " did not finish in " + timeoutSeconds + " s");
        }
        drain.join();
        if (p.exitValue() != 0) {
            throw new IOException(script + " exited with " + p.exitValue() + ": " + err.toString(StandardCharsets.UTF_8) + out);
        }
        return out;
    }
}
