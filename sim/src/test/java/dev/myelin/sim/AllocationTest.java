package dev.myelin.sim;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stepping hot path allocates nothing once warmed up, on the caller's thread and on the helpers.
 *
 * <p>While C2 is still settling (deoptimisation, recompilation) the VM occasionally allocates a few
 * hundred bytes on the running thread by itself, so each case measures up to {@value #WINDOWS}
 * windows of many steps and requires one that allocated exactly nothing. Any allocation per step or
 * per episode would show in every window, since each window spans thousands of steps and many
 * auto-resets.
 */
class AllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static final String[] TASKS = {"pendulum", "cartpole-swingup", "diffdrive-nav", "multi-diffdrive"};
    private static final int WINDOWS = 6;

    @Test
    void envStepAllocatesNothing() {
        assertTrue(THREADS.isThreadAllocatedMemorySupported());
        THREADS.getCurrentThreadAllocatedBytes();
        for (String task : TASKS) {
            // The reality-gap variant exercises latency, jitter, noise and dropout; the POMDP chain the filters.
            for (TaskSpec spec : new TaskSpec[]{TaskSpec.of(task).withVariant(Variant.REAL),
                    TaskSpec.of(task).withObservation("position-only,dropout=0.1,delay=2")}) {
                Env env = Tasks.env(spec);
                float[] act = new float[env.agents() * env.actionSpace().size()];
                env.reset(1);
                runEpisodes(env, act, 30_000);
                long[] windows = new long[WINDOWS];
                Arrays.fill(windows, -1);
                for (int k = 0; k < WINDOWS; k++) {
                    long before = THREADS.getCurrentThreadAllocatedBytes();
                    runEpisodes(env, act, 40_000);
                    windows[k] = THREADS.getCurrentThreadAllocatedBytes() - before;
                    if (windows[k] == 0) {
                        break;
                    }
                }
                assertTrue(Arrays.stream(windows).anyMatch(b -> b == 0),
                        spec + ": bytes allocated per 40k-step window " + Arrays.toString(windows));
                assertTrue(env.stats().episodes() > 10, spec + ": resets were exercised");
            }
        }
    }

    private static void runEpisodes(Env env, float[] act, int steps) {
        for (int i = 0; i < steps; i++) {
            for (int k = 0; k < act.length; k++) {
                act[k] = (float) Math.sin(i * 0.1 + k) * 3f;
            }
            if (env.step(act).done()) {
                env.reset();
            }
        }
    }

    @Test
    void vectorStepAllocatesNothingOnAnyThread() {
        for (String task : TASKS) {
            TaskSpec spec = TaskSpec.of(task).withVariant(Variant.REAL).withObservation("delay=1");
            if (task.contains("diffdrive")) {
                spec = spec.withOption("max_steps", 100);
            }
            try (VectorEnv venv = Tasks.vector(spec, 32, 2)) {
                SimVectorEnv inner = unwrap(venv);
                long[] helpers = inner.helperThreadIds();
                assertEquals(1, helpers.length);
                float[] act = new float[venv.agents() * venv.actionSpace().size()];
                venv.reset(4);
                step(venv, act, 3_000);
                String seen = "";
                boolean clean = false;
                for (int k = 0; k < WINDOWS && !clean; k++) {
                    // Read the helper first: the returned array is itself allocated on this thread.
                    long helper = THREADS.getThreadAllocatedBytes(helpers)[0];
                    long caller = THREADS.getCurrentThreadAllocatedBytes();
                    step(venv, act, 3_000);
                    long callerBytes = THREADS.getCurrentThreadAllocatedBytes() - caller;
                    long helperBytes = THREADS.getThreadAllocatedBytes(helpers)[0] - helper;
                    seen += " [caller " + callerBytes + ", helper " + helperBytes + "]";
                    clean = callerBytes == 0 && helperBytes == 0;
                }
                assertTrue(clean, task + ": bytes allocated per 3k-step window" + seen);
                assertTrue(venv.stats().episodes() > 32, task + ": auto-resets were exercised");
            }
        }
    }

    static void step(VectorEnv venv, float[] act, int steps) {
        for (int i = 0; i < steps; i++) {
            for (int k = 0; k < act.length; k++) {
                act[k] = (float) Math.cos(i * 0.05 + k);
            }
            venv.step(act);
        }
    }

    private static SimVectorEnv unwrap(VectorEnv v) {
        try {
            java.lang.reflect.Field f = dev.myelin.sim.pomdp.FilteredVectorEnv.class.getDeclaredField("inner");
            f.setAccessible(true);
            return (SimVectorEnv) f.get(v);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
