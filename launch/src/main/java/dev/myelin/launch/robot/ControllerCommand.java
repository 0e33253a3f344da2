package dev.myelin.launch.robot;

import dev.myelin.controller.Controller;
import dev.myelin.controller.config.ControllerParams;
import dev.myelin.controller.diagnostics.DiagnosticsPublisher;
import dev.myelin.controller.hosting.PolicyRejectedException;
import dev.myelin.controller.hosting.PreparedPolicy;
import dev.myelin.controller.loop.IdleStrategy;
import dev.myelin.controller.ros.ControllerParameters;
import dev.myelin.launch.FoxgloveOption;
import dev.myelin.launch.Ros2Options;
import dev.myelin.launch.file.ControllerNode;
import dev.myelin.launch.file.RosSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./myelin controller --params robot.yaml --bundle nav.myl}: the on-robot control loop over
 * ROS 2. Loads and verifies the bundle against the parameter file's trusted keys, checks the
 * mapping, warms the engine up, then runs until Ctrl-C or {@code --duration}. With {@code --watch}
 * a changed bundle file is prepared off the loop and hot-swapped in; a rejected one changes nothing.
 * The node is a launch file's {@code kind: controller} ({@link ControllerNode}).
 */
@Command(name = "controller", mixinStandardHelpOptions = true,
        description = {"Run the on-robot control loop: ROS 2 inputs -> observation -> spiking policy -> safety gate -> "
                + "ROS 2 outputs, at the parameter file's rate, with diagnostics on /diagnostics (see ./myelin status)."})
public final class ControllerCommand implements Callable<Integer> {

    @Option(names = "--params", required = true, paramLabel = "FILE", description = "ROS 2-style parameter file (controller: ros__parameters: ...).")
    Path params;

    @Option(names = "--bundle", required = true, paramLabel = "FILE", description = "Policy bundle (.myl).")
    Path bundle;

    @Option(names = "--engine", description = "Inference engine, overriding the parameter file (event, dense, int8, or a plug-in name).")
    String engine;

    @Option(names = "--rate", paramLabel = "HZ", description = "Loop rate, overriding the parameter file (10 to 1000).")
    Double rate;

    @Option(names = "--idle", paramLabel = "STRATEGY", description = "busy-spin, spin-then-park or park, overriding the parameter file.")
    String idle;

    @Option(names = "--realtime-priority", paramLabel = "1..99",
            description = "SCHED_FIFO priority of the loop thread, overriding the parameter file (0: normal scheduling).")
    Integer realtimePriority;

    @Option(names = "--inactive", description = "Stay inactive (inputs read, outputs held at the safe command).")
    boolean inactive;

    @Option(names = "--watch", description = "Hot-swap the bundle whenever the file changes.")
    boolean watch;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this much wall time.")
    Double duration;

    @picocli.CommandLine.Mixin
    Ros2Options ros2;

    @Option(names = "--namespace", defaultValue = "/", description = "Node namespace (default ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--record", paramLabel = "FILE.mcap",
            description = "Record every decision and every topic on the domain into an MCAP file.")
    java.nio.file.Path record;

    @picocli.CommandLine.Mixin
    FoxgloveOption foxglove;

    @Override
    public Integer call() throws Exception {
        if (duration != null && !(duration > 0)) {
            throw new IllegalArgumentException("--duration must be > 0 s, got " + duration);
        }
        ControllerParams p = ControllerParams.read(params);
        if (engine != null) {
            p = p.withEngine(engine);
        }
        if (rate != null || idle != null) {
            p = p.withRate(rate != null ? rate : p.rateHz(), idle != null ? IdleStrategy.named(idle) : p.idleStrategy());
        }
        if (realtimePriority != null) {
            p = p.withRealtimePriority(realtimePriority);
        }
        ControllerRecording[] recording = {null};
        ControllerNode started = new ControllerNode(p.nodeName(), p, bundle, !inactive && p.startActive(),
                new RosSettings(ros2.domain(), ros2.localhostOnly, namespace, List.of()), null)
                .contextFactory(() -> ros2.builder().build())
                .serveParameters(ControllerParameters.of(Files.readString(params), params.toString(),
                        params.toAbsolutePath().getParent()))
                .onConfigured((controller, context, first) -> {
                    if (controller.host().trustedKeys().isEmpty()) {
                        System.out.println("warning: no trusted_keys in " + params + ": unsigned bundles are accepted");
                    }
                    System.out.printf(Locale.ROOT, "%s verified%s, engine %s warmed up (%.1f us per decision)%n", first.label(),
                            first.bundle().signatureVerified() ? " (signed by " + first.bundle().signerKeyId() + ")" : " (unsigned)",
                            first.engine().name(), first.warmupDecisionNanos() / 1e3);
                    if (record != null) {
                        recording[0] = ControllerRecording.start(controller, context, record, true);
                    }
                });
        try (var live = foxglove.start(ros2.domain(), ros2.localhostOnly)) {
            try {
                started.start();
            } catch (Exception | Error e) {
                if (recording[0] != null) {
                    recording[0].close();
                }
                throw e;
            }
            Controller controller = started.controller();
            Thread.sleep(50);
            if (controller.loop().schedulingProblem() != null) {
                System.out.println("warning: loop thread keeps normal scheduling: " + controller.loop().schedulingProblem());
            }
            System.out.printf(Locale.ROOT, "%s on ROS domain %d: %.0f Hz, %s, %s; diagnostics on %s%n",
                    started.rosNode().fullyQualifiedName(), started.domainId(), p.rateHz(), p.idleStrategy(),
                    controller.lifecycle().name().toLowerCase(Locale.ROOT), p.diagnosticsTopic());

            CountDownLatch stop = new CountDownLatch(1);
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                stop.countDown();
                try {
                    stopped.await(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "myelin-controller-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            long start = System.nanoTime();
            FileTime seen = Files.getLastModifiedTime(bundle);
            long nextReport = start + 10_000_000_000L;
            while (!stop.await(200, TimeUnit.MILLISECONDS)) {
                long now = System.nanoTime();
                if (duration != null && now - start > duration * 1e9) {
                    break;
                }
                if (watch) {
                    FileTime t = Files.getLastModifiedTime(bundle);
                    if (!t.equals(seen)) {
                        seen = t;
                        swap(controller);
                    }
                }
                if (now > nextReport) {
                    nextReport = now + 10_000_000_000L;
                    printLine(DiagnosticsPublisher.snapshot(controller.status()));
                }
            }
            Map<String, String> last = DiagnosticsPublisher.snapshot(controller.status());
            controller.close();
            if (recording[0] != null) {
                recording[0].close(System.out);
            }
            System.out.println("stopped:");
            last.forEach((k, v) -> System.out.println("  " + k + " = " + v));
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook waits for the latch below
            }
            started.close();
            stopped.countDown();
        }
        return 0;
    }

    private void swap(Controller controller) {
        try {
            PreparedPolicy next = controller.host().prepare(bundle);
            controller.host().swap(next, Duration.ofSeconds(5));
            System.out.println("swapped in " + next.label());
        } catch (PolicyRejectedException e) {
            System.out.println("kept the running policy: " + e.getMessage());
        } catch (Exception e) {
            System.out.println("swap failed, kept the running policy: " + e);
        }
    }

    static void printLine(Map<String, String> v) {
        System.out.printf(Locale.ROOT, "%s %s: %s ticks, %s misses, jitter p99 %s us, in->out p99 %s us, inference p99 %s us, "
                        + "safe holds: stale %s, estop %s, nan %s%n", v.get("lifecycle"), v.get("policy"), v.get("ticks"),
                v.get("deadline_misses"), v.get("period_jitter_us.p99"), v.get("input_to_output_us.p99"),
                v.get("inference_us.p99"), v.get("safety.stale_input"), v.get("safety.estop"),
                v.get("safety.non_finite_action"));
    }
}
