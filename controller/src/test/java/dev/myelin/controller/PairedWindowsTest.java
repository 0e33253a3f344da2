package dev.myelin.controller;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairedWindowsTest {

    /** A window whose jitter and input-to-output are all {@code us} microseconds, with {@code misses} misses. */
    private static ControllerStatus window(long us, long misses) {
        Histogram h = new Histogram(1, 1_000_000_000L, 3);
        for (int i = 0; i < 100; i++) {
            h.recordValue(us * 1000);
        }
        Histogram write = new Histogram(1, 1_000_000_000L, 3);
        write.recordValue(us * 500);
        return new ControllerStatus(Lifecycle.ACTIVE, 1000, "spin", 0, null, null, "event", 0, 100, 100, misses,
                0, 0, 0, 0, h, h, h, h, write, false, null, 0, new long[dev.myelin.controller.safety.Intervention.values().length],
                0, Map.of());
    }

    @Test
    void windowsAlternateABBAAndEachAttachmentIsClosedAfterItsWindow() throws Exception {
        List<String> events = new ArrayList<>();
        long[] next = {10, 20, 22, 12, 14, 24, 26, 100};
        int[] i = {0};
        PairedWindows.Result r = PairedWindows.run(4, () -> {
            events.add("measure");
            return window(next[i[0]++], i[0]);
        }, () -> {
            events.add("attach");
            return () -> events.add("detach");
        }, null);
        assertEquals(List.of("measure", "attach", "measure", "detach", "attach", "measure", "detach", "measure",
                "measure", "attach", "measure", "detach", "attach", "measure", "detach", "measure"), events);
        assertEquals(List.of(false, true, true, false, false, true, true, false),
                r.windows().stream().map(PairedWindows.Figures::attached).toList());
        assertEquals(4, r.pairs());
        // without: 10, 12, 14, 100 -> median 13 (one loaded window does not move it); with: 20, 22, 24, 26 -> 23
        assertEquals(13.0, r.medianInputToOutputP99(false), 0.05);
        assertEquals(23.0, r.medianInputToOutputP99(true), 0.05);
        assertEquals(23.0 / 13.0, r.inputToOutputRatio(), 0.01);
        assertEquals(r.medianJitterP99(true) / r.medianJitterP99(false), r.jitterRatio(), 1e-9);
        assertEquals(6.5, r.medianWriteP50(false), 0.05);
        assertEquals(4.5, r.medianDeadlineMisses(false), 1e-9); // misses 1, 4, 5, 8
        assertTrue(r.table().contains("attached"));
    }

    @Test
    void medianOfOddAndEvenCountsAndBadPairs() {
        assertEquals(2.0, PairedWindows.median(new double[] {3, 1, 2}));
        assertEquals(2.5, PairedWindows.median(new double[] {4, 1, 3, 2}));
        assertTrue(Double.isNaN(PairedWindows.median(new double[0])));
        assertThrows(IllegalArgumentException.class, () -> PairedWindows.run(0, () -> window(1, 0), () -> () -> { }, null));
    }
}
