package dev.myelin.launch.file;

import dev.myelin.launch.file.LaunchFile;
import dev.myelin.launch.file.LaunchRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./myelin launch FILE [--arg k=v]}: runs a launch file's nodes in order, each once the one
 * before is ready, until Ctrl-C (then stops them in reverse order), until every node is done, or until
 * a node fails (exit status 1).
 */
@Command(name = "launch", mixinStandardHelpOptions = true,
        description = "Run a YAML launch file (broker, sim node, controller, OTA agent, base, trainer...) until Ctrl-C.")
public final class LaunchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "Launch file, e.g. launch/sim-robot.yaml.")
    Path file;

    @Option(names = "--arg", paramLabel = "NAME=VALUE", description = "Set a launch argument (repeatable).")
    List<String> args = List.of();

    @Option(names = "--check", description = "Only check the file as start-up would (parameters, parameter files, "
            + "references between nodes), print its nodes and exit; starts nothing.")
    boolean check;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this much wall time once every node is ready.")
    Double duration;

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--arg '" + a + "' is not NAME=VALUE");
            }
            overrides.put(a.substring(0, eq), a.substring(eq + 1));
        }
        if (duration != null && !(duration > 0)) {
            throw new IllegalArgumentException("--duration must be > 0 s, got " + duration);
        }
        LaunchFile launch = LaunchFile.read(file, overrides);
        if (check) {
            LaunchRunner.check(launch);
            for (LaunchFile.Arg a : launch.args()) {
                System.out.println("arg  " + a.name() + " = " + overrides.getOrDefault(a.name(), a.defaultValue())
                        + (a.description() != null ? "  (" + a.description() + ")" : ""));
            }
            for (LaunchFile.NodeSpec n : launch.nodes()) {
                System.out.println("node " + n.name() + ": " + n.kind() + (n.separate() ? " (separate process)" : "")
                        + ", namespace " + n.namespace() + ", ready within " + n.readyTimeout().toSeconds() + " s");
            }
            return 0;
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "myelin-launch-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        LaunchRunner runner = new LaunchRunner(launch, System.out);
        String failure = null;
        try {
            runner.start();
            System.out.println("[launch] " + launch.nodes().size() + " nodes running from " + file
                    + (duration == null ? "; Ctrl-C stops them" : ""));
            long start = System.nanoTime();
            while (!stop.await(100, TimeUnit.MILLISECONDS)) {
                failure = runner.failure();
                if (failure != null || runner.finished()) {
                    break;
                }
                if (duration != null && System.nanoTime() - start > duration * 1e9) {
                    break;
                }
            }
        } catch (LaunchRunner.LaunchFailedException e) {
            failure = e.getMessage();
        } finally {
            runner.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook waits for the latch below
            }
            stopped.countDown();
        }
        if (failure != null) {
            System.err.println("myelin launch: " + failure);
            return 1;
        }
        return 0;
    }
}
