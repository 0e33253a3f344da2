package dev.myelin.controller;

import dev.myelin.controller.config.ControllerParams;
import dev.myelin.controller.hosting.PolicyHost;
import dev.myelin.controller.hosting.PreparedPolicy;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.model.Channel;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The policy the loop receives is compiled: a trained quadruped-walk bundle (33 observations, 12
 * joint targets, PopSAN 64-64, fp16 weights) prepared in a fresh JVM while every core is busy, as the
 * sim node, the drivers and DDS keep them on a robot, then driven at the parameter file's 100 Hz
 * allocates nothing per decision. Runs in a JVM of its own (see the module's pom): the engine's
 * Vector API kernels must not have been compiled by earlier tests.
 */
class PolicyWarmUpTest {
    private static final int DECISIONS = 300;
    /**
     * Over the whole window, as the loop's allocation tests allow: a compiled method that meets a
     * branch its profile never saw deoptimises once and materialises the vector it had kept in
     * registers (one vector object and its lanes, about 160 bytes). Uncompiled kernels allocate
     * tens to hundreds of kilobytes per decision.
     */
    private static final long ALLOCATION_BUDGET_BYTES = 1024;

    @Test
    void aPolicyPreparedOnABusyRobotDecidesAt100HzWithoutAllocating() throws Exception {
        ControllerParams params = JointMappingTest.params();
        assertEquals(100.0, params.rateHz(), 1e-9);
        Path bundle = Files.createTempFile("quadruped-walk", ".myl");
        try (InputStream in = PolicyWarmUpTest.class.getResourceAsStream("/quadruped-walk.myl")) {
            Files.write(bundle, in.readAllBytes());
        }
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Load load = new Load(Runtime.getRuntime().availableProcessors());
        try {
            PolicyHost host = new PolicyHost(params, TrustedKeys.none()); // start-up: compiles the kernels
            PreparedPolicy prepared = host.prepare(bundle);
            assertTrue(prepared.warmupAllocationFree(), "the warm-up ended on decisions that allocated nothing after "
                    + prepared.warmupDecisions() + " decisions");
            assertTrue(prepared.warmupDecisions() >= PolicyHost.WARMUP_DECISIONS
                    && prepared.warmupDecisions() <= PolicyHost.MAX_WARMUP_DECISIONS, prepared.warmupDecisions() + " decisions");

            // The loop's side: one decision per 10 ms on observations of a robot standing and swaying.
            InferenceEngine engine = prepared.engine();
            List<Channel> channels = engine.policy().observations();
            float[] o = new float[engine.observationSize()];
            float[] a = new float[engine.actionSize()];
            long allocated = 0;
            List<Integer> allocating = new ArrayList<>();
            long next = System.nanoTime();
            for (int d = 0; d < DECISIONS; d++) {
                for (int i = 0; i < o.length; i++) {
                    Channel c = channels.get(i);
                    o[i] = c.center() + 0.2f * (c.high() - c.center()) * (float) Math.sin(0.05 * d + i);
                }
                long before = threads.getCurrentThreadAllocatedBytes();
                engine.act(o, a);
                long bytes = threads.getCurrentThreadAllocatedBytes() - before;
                if (bytes != 0 && allocating.size() < 10) {
                    allocating.add(d);
                }
                allocated += bytes;
                for (float v : a) {
                    assertTrue(Float.isFinite(v), "finite actions");
                }
                next += params.periodNanos();
                LockSupport.parkNanos(next - System.nanoTime());
            }
            assertTrue(allocated <= ALLOCATION_BUDGET_BYTES, allocated + " bytes allocated by " + DECISIONS + " decisions at 100 Hz (first at "
                    + allocating + ") after a warm-up of " + prepared.warmupDecisions() + " decisions");
        } finally {
            load.close();
            Files.deleteIfExists(bundle);
        }
    }

    /** Threads that keep every core busy, as the rest of a robot process does. */
    private static final class Load implements AutoCloseable {
        private volatile boolean running = true;
        private final List<Thread> threads = new ArrayList<>();
        volatile double sink;

        Load(int n) {
            for (int i = 0; i < n; i++) {
                threads.add(Thread.ofPlatform().daemon(true).name("load-" + i).start(() -> {
                    double x = 1;
                    while (running) {
                        x = Math.sqrt(x + 1.5);
                    }
                    sink = x;
                }));
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            for (Thread t : threads) {
                t.join();
            }
        }
    }
}
