package dev.myelin.bridge.sim;

import dev.myelin.bridge.Fixtures;
import dev.myelin.bridge.experience.ExperienceOutbox;
import dev.myelin.bridge.ota.HealthCounters;
import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.PolicyBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatedRobotTest {

    @TempDir
    Path tmp;

    private final Fixtures fx = new Fixtures();

    private PolicyBundle bundle(dev.myelin.policy.model.SpikingNetwork net) throws Exception {
        return BundleReader.read(fx.bundle("nav", "1.0.0", net, fx.releaseKey.getPrivate()), fx.keys.bundleKeys());
    }

    private static int ticks(SimulatedRobot r, int n) {
        for (int i = 0; i < n; i++) {
            r.tick();
        }
        return n;
    }

    /**
     * Measured in a JVM of its own, as a robot process runs: in the shared test JVM, code the JIT compiled earlier
     * for other tests' engines and kernel shapes would be measured instead.
     */
    @Test
    void tickAllocatesNothingWhileRecordingExperience() throws Exception {
        Process p = new ProcessBuilder(dev.myelin.bridge.ChildJvm.command(List.of("--add-modules", "jdk.incubator.vector"),
                SimulatedRobotTest.class.getName(), List.of(tmp.toString()))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the measuring process ends");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("bytes allocated per 20k ticks: "), out);
    }

    /** Runs the tick allocation measurement in the folder {@code args[0]}; exits 1 when it fails. */
    public static void main(String[] args) throws Exception {
        SimulatedRobotTest t = new SimulatedRobotTest();
        t.tmp = Path.of(args[0]);
        dev.myelin.policy.engine.InferenceEngines.warmKernels(); // as a robot process's policy host does first
        try {
            t.measureTickAllocation();
        } catch (AssertionError e) {
            System.out.println(e.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }

    private void measureTickAllocation() throws Exception {
        try (ExperienceOutbox outbox = ExperienceOutbox.open(tmp, "r1", new ExperienceOutbox.Options().maxSegments(8));
             SimulatedRobot r = new SimulatedRobot("r1", new SimulatedRobot.Options().recorder(outbox).episodeTicks(500), null)) {
            outbox.maintain();
            r.activate(r.prepare(bundle(Fixtures.healthyNetwork(1)))).get();
            ticks(r, 30_000); // warm-up, episode ends included
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            mx.getCurrentThreadAllocatedBytes();
            List<Long> rounds = new ArrayList<>();
            for (int round = 0; round < 20 && (rounds.isEmpty() || rounds.get(rounds.size() - 1) != 0); round++) { // until compiled
                long before = mx.getCurrentThreadAllocatedBytes();
                ticks(r, 20_000);
                rounds.add(mx.getCurrentThreadAllocatedBytes() - before);
            }
            System.out.println("bytes allocated per 20k ticks: " + rounds);
            assertEquals(0L, rounds.get(rounds.size() - 1), "bytes allocated per 20k ticks: " + rounds);
            assertEquals(0, outbox.dropped());
            assertTrue(outbox.recorded() >= 50_000);
        }
    }

    @Test
    void countsWhatTheHealthCheckJudges() throws Exception {
        // A generous decision budget: the first decisions run before the JIT compiled the engine.
        try (SimulatedRobot r = new SimulatedRobot("r1", new SimulatedRobot.Options().decisionBudget(Duration.ofSeconds(1)), null)) {
            r.activate(r.prepare(bundle(Fixtures.healthyNetwork(1)))).get();
            ticks(r, 500);
            assertTrue(r.health().clean(), "a healthy policy: " + r.health());
            assertEquals(500, r.health().ticks());

            r.start();
            CompletableFuture<HealthCounters> sw = r.activate(r.prepare(bundle(Fixtures.saturatingNetwork())));
            HealthCounters at = sw.get();
            assertTrue(Fixtures.await(5_000, () -> r.health().since(at).safetyInterventions() > 10));
            assertEquals(0, r.health().since(at).nanActions());

            HealthCounters nanAt = r.activate(r.prepare(bundle(Fixtures.nanNetwork()))).get();
            assertTrue(Fixtures.await(5_000, () -> r.health().since(nanAt).nanActions() > 10));
        }
    }

    @Test
    void loopTimingMeasuresTheTimeBetweenTicks() throws Exception {
        try (SimulatedRobot r = new SimulatedRobot("r1", new SimulatedRobot.Options().period(Duration.ofMillis(5)), null)) {
            r.activate(r.prepare(bundle(Fixtures.healthyNetwork(1)))).get();
            assertEquals(null, r.loop(), "no timing before the first decisions");
            r.tick();
            assertEquals(null, r.loop(), "one tick has no period yet");
            for (int i = 0; i < 10; i++) {
                Thread.sleep(20); // ticks 20+ ms apart on a 5 ms period: every period is late by 15 ms or more
                r.tick();
            }
            dev.myelin.bridge.wire.RobotStatus.Loop l = r.loop();
            assertTrue(l.jitterP99Micros() >= 15_000 && l.jitterP99Micros() < 5_000_000, "jitter p99 " + l);
            assertTrue(l.ioP99Micros() < l.jitterP99Micros(), "a decision takes less than the delay: " + l);
            assertEquals(r.health().deadlineMisses(), l.deadlineMisses());
        }
    }

    @Test
    void switchesOnlyBetweenTicks() throws Exception {
        try (SimulatedRobot r = new SimulatedRobot("r1", new SimulatedRobot.Options().period(Duration.ofMillis(5)), null)) {
            PolicyBundle a = bundle(Fixtures.healthyNetwork(1));
            PolicyBundle b = BundleReader.read(fx.nav("2.0.0"), fx.keys.bundleKeys());
            r.activate(r.prepare(a)).get();
            r.start();
            assertTrue(Fixtures.await(2_000, () -> r.health().ticks() > 5));
            HealthCounters at = r.activate(r.prepare(b)).get();
            assertEquals("2.0.0", r.activeBundle().version().toString());
            assertTrue(at.ticks() > 5, "the switch reports the tick count at which it happened");
        }
    }
}
