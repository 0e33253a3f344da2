package dev.myelin.observe.bag;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the scripts of {@code src/test/node/mcap} with node, after installing the official MCAP and
 * ROS 2 message libraries there with {@code npm ci} (pinned by the committed package-lock.json).
 */
public final class NodeMcap {
    static final Path DIR = Path.of("src/test/node/mcap").toAbsolutePath();
    private static boolean installed;

    private NodeMcap() {
    }

    /** Runs {@code node SCRIPT ARGS...} and returns its standard output; fails with its output on a non-zero exit. */
    public static synchronized String run(String script, String... args) throws IOException, InterruptedException {
        if (!installed) {
            exec(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), 300);
            installed = true;
        }
        List<String> cmd = new ArrayList<>(List.of("node", script));
        cmd.addAll(List.of(args));
        return exec(cmd, 120);
    }

    private static String exec(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        Path err = Files.createTempFile("node-mcap", ".err");
        try {
            Process p = new ProcessBuilder(cmd).directory(DIR.toFile()).redirectError(err.toFile()).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(cmd + " did not finish within " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(cmd + " exited with " + p.exitValue() + ":\n" + Files.readString(err));
            }
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
