package dev.myelin.sim;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MuJoCo worlds step, score, observe and auto-reset (parameters rewritten into per-world models)
 * without allocating, on the caller's thread and on the helper, once warmed up.
 */
class MujocoAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void mujocoVectorStepAllocatesNothingOnAnyThread() {
        for (String task : new String[]{"hopper", "ant"}) {
            TaskSpec spec = TaskSpec.of(task).withVariant(Variant.REAL);
            if (task.equals("ant")) {
                spec = spec.withOption("contact_forces", true);
            }
            try (VectorEnv venv = Tasks.vector(spec, 4, 2)) {
                SimVectorEnv inner = (SimVectorEnv) venv;
                long[] helpers = inner.helperThreadIds();
                assertEquals(1, helpers.length);
                float[] act = new float[venv.agents() * venv.actionSpace().size()];
                venv.reset(4);
                AllocationTest.step(venv, act, 1_000);
                String seen = "";
                boolean clean = false;
                for (int k = 0; k < 6 && !clean; k++) {
                    long helper = THREADS.getThreadAllocatedBytes(helpers)[0];
                    long caller = THREADS.getCurrentThreadAllocatedBytes();
                    AllocationTest.step(venv, act, 800);
                    long callerBytes = THREADS.getCurrentThreadAllocatedBytes() - caller;
                    long helperBytes = THREADS.getThreadAllocatedBytes(helpers)[0] - helper;
                    seen += " [caller " + callerBytes + ", helper " + helperBytes + "]";
                    clean = callerBytes == 0 && helperBytes == 0;
                }
                assertTrue(clean, task + ": bytes allocated per 800-step window" + seen);
                if (task.equals("hopper")) {
                    assertTrue(venv.stats().episodes() > 8, task + ": auto-resets were exercised");
                }
            }
        }
    }
}
