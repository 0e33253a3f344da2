package dev.myelin.launch.file;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code process: separate}: the node runs as a child {@code ./myelin <kind> --option value ...} process
 * (same JDK and class path as this one); its output is copied with a {@code [name]} prefix. Ready once a
 * line matches {@code ready_line}, or as soon as it runs when there is none; failed when it exits
 * non-zero; done when it exits with 0. Closing sends SIGTERM (the commands shut down cleanly on it),
 * then kills it after 5 s.
 */
public final class ProcessNode implements LaunchNode {
    private final String name;
    private final List<String> arguments;
    private final Pattern readyLine;
    private volatile Process process;
    private volatile boolean ready;
    private volatile boolean closing;
    private Thread pump;

    /** @param arguments the subcommand and its options */
    public ProcessNode(String name, List<String> arguments, String readyLine) {
        this.name = name;
        this.arguments = List.copyOf(arguments);
        this.readyLine = readyLine == null ? null : Pattern.compile(readyLine);
    }

    /** The full command line of the child. */
    public List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--enable-native-access") || a.startsWith("--sun-misc-unsafe-memory-access")
                    || a.startsWith("--add-modules") || a.startsWith("-Xmx") || a.startsWith("-Xms")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.myelin.launch.Myelin");
        cmd.addAll(arguments);
        return cmd;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() throws Exception {
        Process p = new ProcessBuilder(command()).redirectErrorStream(true).start();
        process = p;
        if (readyLine == null) {
            ready = true;
        }
        pump = Thread.ofPlatform().name("out-" + name).daemon(true).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    System.out.println("[" + name + "] " + line);
                    if (!ready && readyLine.matcher(line).find()) {
                        ready = true;
                    }
                }
            } catch (java.io.IOException e) {
                // the child closed its output
            }
        });
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public boolean done() {
        Process p = process;
        return p != null && !p.isAlive() && p.exitValue() == 0;
    }

    @Override
    public String failure() {
        Process p = process;
        if (p == null || p.isAlive() || closing) {
            return null;
        }
        int code = p.exitValue();
        if (code != 0) {
            return "process exited with status " + code;
        }
        return ready ? null : "process exited before it reported ready";
    }

    @Override
    public void close() {
        closing = true;
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            if (pump != null) {
                pump.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }
}
