package dev.myelin.controller;

import dev.myelin.controller.loop.RealtimeScheduling;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RealtimeSchedulingTest {

    /** The scheduling policy of the calling thread from /proc: field 41 of stat (0 normal, 1 FIFO). */
    private static int policyOfCurrentThread() throws Exception {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(f[41 - 3]); // fields after "pid (comm)" start at field 3
    }

    @Test
    void putsTheCallingThreadUnderSchedFifoOrSaysWhyNot() throws Exception {
        AtomicReference<String> problem = new AtomicReference<>();
        AtomicReference<Integer> policy = new AtomicReference<>();
        AtomicReference<Integer> before = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                before.set(policyOfCurrentThread());
                problem.set(RealtimeScheduling.applyToCurrentThread(10));
                policy.set(policyOfCurrentThread());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        t.join();
        assertEquals(0, before.get(), "threads start under SCHED_OTHER");
        if (problem.get() == null) {
            assertEquals(1, policy.get(), "SCHED_FIFO applied to that thread");
        } else {
            assertEquals(0, policy.get());
            assertTrue(problem.get().contains("sched_setscheduler"), problem.get());
        }
        assertNotNull(RealtimeScheduling.applyToCurrentThread(0), "priority 0 is refused");
        assertTrue(RealtimeScheduling.applyToCurrentThread(100).contains("[1, 99]"));
    }
}
