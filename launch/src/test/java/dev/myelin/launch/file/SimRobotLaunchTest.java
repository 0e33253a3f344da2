package dev.myelin.launch.file;

import dev.myelin.controller.Controller;
import dev.myelin.controller.Lifecycle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped sim-robot.yaml (and mujoco-robot.yaml), run in-process for real: embedded broker, sim node and controller over
 * loopback Cyclone DDS, OTA agent booting the factory policy; every node becomes ready, the controller
 * drives on fresh inputs, and everything stops in reverse order.
 */
class SimRobotLaunchTest {

    /** sim-robot.yaml and its physics twin mujoco-robot.yaml (the MuJoCo base in place of the kinematic one). */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"sim-robot.yaml", "mujoco-robot.yaml"})
    void simRobotStartsBecomesReadyAndStopsCleanly(String launchFile, @TempDir Path state) throws Exception {
        int domain = ThreadLocalRandom.current().nextInt(161, 232);
        LaunchFile file = LaunchFile.read(Path.of(launchFile),
                Map.of("domain", String.valueOf(domain), "port", "0", "state", state.toString(), "rate", "4"));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(buf, true, StandardCharsets.UTF_8);
        LaunchRunner runner = new LaunchRunner(file, log);
        int port;
        Controller controller;
        try {
            runner.start();
            BrokerNode broker = (BrokerNode) runner.node("broker");
            port = Integer.parseInt(broker.uri().substring(broker.uri().lastIndexOf(':') + 1));
            controller = ((ControllerNode) runner.node("controller")).controller();
            OtaAgentNode ota = (OtaAgentNode) runner.node("ota");
            assertEquals("0.1.0", ota.agent().snapshot().committedVersion().toString());
            assertTrue(Files.exists(state.resolve("release.pem")) && Files.exists(state.resolve("release.pub.pem")));
            assertEquals(Lifecycle.ACTIVE, controller.lifecycle());
            await(() -> controller.staleInput() == null && controller.status().decisions() > 50,
                    "the controller deciding on fresh scan and odometry");
            // experience: the controller records each decision with the sim's reward into the agent's outbox
            await(() -> ota.outbox().recorded() > 20 && controller.recordedTransitions() > 20, "decisions recorded");
            assertTrue(Files.isDirectory(state.resolve("outbox")));
            // the agent's retained status carries the controller's loop timing and the outbox's backlog
            java.util.concurrent.atomic.AtomicReference<dev.myelin.bridge.wire.RobotStatus> withLoop =
                    new java.util.concurrent.atomic.AtomicReference<>();
            try (dev.myelin.bridge.mqtt.MqttLink watcher = new dev.myelin.bridge.mqtt.MqttLink(
                    new dev.myelin.bridge.mqtt.MqttLink.Options().clientId("launch-test-watcher").endpoint(broker.endpoint())
                            .sessionExpiry(java.time.Duration.ZERO))) {
                watcher.subscribe("myelin/sim/robots/+/status", 1, (t, p, r) -> {
                    try {
                        dev.myelin.bridge.wire.RobotStatus st = dev.myelin.bridge.wire.RobotStatus.parse(p);
                        if (st.telemetry().loop() != null && st.telemetry().experienceBacklog() >= 0) {
                            withLoop.set(st);
                        }
                    } catch (dev.myelin.bridge.wire.PayloadException e) {
                        throw new AssertionError("the robot's own status is refused", e);
                    }
                });
                assertTrue(watcher.startAndAwait(java.time.Duration.ofSeconds(10)));
                await(() -> withLoop.get() != null, "a status with loop timing and experience backlog");
            }
            dev.myelin.bridge.wire.RobotStatus.Loop loop = withLoop.get().telemetry().loop();
            assertTrue(loop.jitterP99Micros() > 0 && loop.ioP99Micros() > 0, "loop timing of a running controller: " + loop);
            assertTrue(loop.deadlineMisses() <= controller.status().deadlineMisses(), loop.toString());
            assertNull(runner.failure());
            // the controller and the agent serve their settings as parameters, the controller its lifecycle too
            try (dev.myelin.ros2.Context probe = dev.myelin.ros2.Context.builder().domainId(domain).localhostOnly(true)
                    .parameterServices(false).build()) {
                dev.myelin.ros2.cli.ParamTool params = new dev.myelin.ros2.cli.ParamTool(probe, log, java.time.Duration.ofSeconds(20));
                assertEquals("sim", params.values("/ota", java.util.List.of("fleet")).get("fleet"));
                assertEquals(0.22, params.values("/controller", java.util.List.of("actions.linear_velocity.max"))
                        .get("actions.linear_velocity.max"));
                new dev.myelin.ros2.cli.LifecycleTool(probe, log, java.time.Duration.ofSeconds(20)).get("/controller");
                assertTrue(buf.toString(StandardCharsets.UTF_8).contains("active [3]"));
            }
            String out = buf.toString(StandardCharsets.UTF_8);
            for (String n : new String[] {"broker", "sim", "controller", "ota"}) {
                assertTrue(out.contains("[launch] " + n + " ("), out);
            }
        } finally {
            runner.close();
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        int ota = out.indexOf("[launch] ota stopped");
        int ctl = out.indexOf("[launch] controller stopped");
        int sim = out.indexOf("[launch] sim stopped");
        int broker = out.indexOf("[launch] broker stopped");
        assertTrue(ota >= 0 && ota < ctl && ctl < sim && sim < broker, "reverse order: " + out);
        assertEquals(Lifecycle.FINALIZED, controller.lifecycle());
        assertThrows(java.io.IOException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            }
        }, "the broker's port is closed");
    }

    @Test
    void aNodeThatCannotStartStopsTheLaunchAndClosesTheOthers(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, """
                launch:
                  - node: {name: broker, kind: broker, param: [{name: port, value: 0}]}
                  - node:
                      name: ota
                      kind: ota-agent
                      param:
                        - {name: controller, value: nowhere}
                        - {name: broker, value: broker}
                        - {name: state_dir, value: %s}
                        - {name: release_key, value: %s}
                """.formatted(dir.resolve("s"), dir.resolve("k.pem")));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        LaunchRunner runner = new LaunchRunner(LaunchFile.read(f, Map.of()), new PrintStream(buf, true, StandardCharsets.UTF_8));
        LaunchRunner.LaunchFailedException e = assertThrows(LaunchRunner.LaunchFailedException.class, runner::start);
        assertTrue(e.getMessage().contains("node 'ota' (ota-agent)"), e.getMessage());
        assertTrue(e.getMessage().contains("key 'controller': no node 'nowhere' was started before this one"), e.getMessage());
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("[launch] broker stopped"));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
