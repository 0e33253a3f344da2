package dev.myelin.trainer.run;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starts training processes the way ./myelin and mpirun do: a separate JVM on the test class path. */
public final class ChildJvm {
    private ChildJvm() {
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** {@code java <flags> -cp <test class path> <main> <args>}. */
    public static List<String> command(String main, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(main);
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Runs {@code main} with {@code args} in a JVM of its own and returns what it printed (standard output and
     * error together); fails the calling test when it does not end within two minutes (it is then killed) or exits
     * other than 0.
     */
    public static String output(Class<?> main, List<String> args) throws IOException, InterruptedException {
        Path log = Files.createTempFile(main.getSimpleName(), ".log");
        try {
            Process p = new ProcessBuilder(command(main.getName(), args)).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            boolean ended = p.waitFor(120, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly().waitFor();
            }
            String out = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            assertTrue(ended, main.getSimpleName() + " did not end within 120 s: " + out);
            assertEquals(0, p.exitValue(), out);
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    static ProcessBuilder trainer(List<String> args, File log) {
        ProcessBuilder pb = new ProcessBuilder(command(TrainerProcess.class.getName(), args));
        pb.redirectErrorStream(true);
        pb.redirectOutput(log);
        return pb;
    }
}
