package dev.myelin.controller.loop;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Puts the calling thread under Linux {@code SCHED_FIFO} at a given priority, as ros2_control's
 * controller manager does with its {@code thread_priority}: the loop thread then preempts every
 * normally scheduled thread, which is what keeps period jitter bounded on a busy machine. Needs
 * {@code CAP_SYS_NICE} (or root) and Linux; elsewhere it reports why it could not.
 */
public final class RealtimeScheduling {
    /** {@code SCHED_FIFO} from {@code <sched.h>}. */
    private static final int SCHED_FIFO = 1;

    private RealtimeScheduling() {
    }

    /**
     * Applies {@code SCHED_FIFO} at {@code priority} (1..99) to the calling thread.
     *
     * @return null on success, otherwise why it failed (the thread keeps its normal scheduling)
     */
    public static String applyToCurrentThread(int priority) {
        if (priority < 1 || priority > 99) {
            return "SCHED_FIFO priority must be in [1, 99], got " + priority;
        }
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return "real-time scheduling is only supported on Linux";
        }
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle setScheduler = linker.downcallHandle(
                    linker.defaultLookup().find("sched_setscheduler").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
                    Linker.Option.captureCallState("errno"));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment param = arena.allocate(ValueLayout.JAVA_INT); // struct sched_param { int sched_priority; }
                param.set(ValueLayout.JAVA_INT, 0, priority);
                MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
                // pid 0: the calling thread (Linux schedules threads individually).
                int rc = (int) setScheduler.invokeExact(state, 0, SCHED_FIFO, param);
                if (rc != 0) {
                    int errno = (int) Linker.Option.captureStateLayout()
                            .varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno")).get(state, 0L);
                    return "sched_setscheduler(SCHED_FIFO, " + priority + ") failed with errno " + errno
                            + (errno == 1 ? " (EPERM: needs CAP_SYS_NICE or root)" : "");
                }
                return null;
            }
        } catch (Throwable t) {
            return "sched_setscheduler unavailable: " + t;
        }
    }
}
