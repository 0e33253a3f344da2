package dev.myelin.controller;

import dev.myelin.bridge.ota.HealthCounters;
import dev.myelin.controller.diagnostics.DiagnosticsPublisher;
import dev.myelin.controller.safety.Intervention;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ControllerStatusTest {

    private static Histogram histogram(long... values) {
        Histogram h = new Histogram(1, 1_000_000_000L, 3);
        for (long v : values) {
            h.recordValue(v);
        }
        return h;
    }

    private static ControllerStatus status(long ticks, long decisions, long misses, double energy, long[] interventions,
                                           Histogram inference) {
        Histogram empty = histogram();
        return new ControllerStatus(Lifecycle.ACTIVE, 100, "spin", 0, null, null, "event", 1, ticks, decisions, misses,
                0, 0, energy, 7, empty, empty, inference, empty, empty, false, null, 2, interventions,
                interventions == null ? 0 : interventions[Intervention.STALE_INPUT.ordinal()], Map.of("k", "v"));
    }

    @Test
    void minusGivesTheCountsOfTheInterval() {
        int n = Intervention.values().length;
        long[] before = new long[n];
        long[] after = new long[n];
        before[Intervention.STALE_INPUT.ordinal()] = 3;
        after[Intervention.STALE_INPUT.ordinal()] = 10;
        after[Intervention.NON_FINITE_ACTION.ordinal()] = 4;
        ControllerStatus a = status(100, 80, 1, 800, before, histogram(1000, 2000));
        ControllerStatus b = status(250, 180, 6, 2800, after, histogram(1000, 2000, 5000, 5000, 9000));

        ControllerStatus d = b.minus(a);

        assertEquals(150, d.ticks());
        assertEquals(100, d.decisions());
        assertEquals(5, d.deadlineMisses());
        assertEquals(0, d.swaps());
        assertEquals(0, d.episodeResets());
        assertEquals(2000, d.energyPicojoules(), 1e-9);
        assertEquals(20, d.meanEnergyPicojoules(), 1e-9);
        assertEquals(7, d.interventions(Intervention.STALE_INPUT));
        assertEquals(4, d.interventions(Intervention.NON_FINITE_ACTION));
        assertEquals(7, d.safeHolds());
        assertEquals(3, d.inference().getTotalCount());
        assertEquals(5000, d.inference().getValueAtPercentile(50), 5000 * 1e-3);
        assertEquals(new HealthCounters(150, 7, 4, 5), d.health());
        assertEquals(Lifecycle.ACTIVE, d.lifecycle());
        assertEquals(7, d.lastEnergyPicojoules());
    }

    @Test
    void aStatusIsACopyOfWhatItWasGiven() {
        long[] counts = new long[Intervention.values().length];
        Histogram inference = histogram(1000);
        ControllerStatus s = status(1, 1, 0, 1, counts, inference);
        counts[0] = 99;
        inference.recordValue(2000);
        s.interventions()[0] = 42;
        s.inference().recordValue(3000);
        assertArrayEquals(new long[Intervention.values().length], s.interventions());
        assertEquals(1, s.inference().getTotalCount());
    }

    @Test
    void beforeConfigurationThereAreNoInterventionsAndNoHealth() {
        ControllerStatus s = status(0, 0, 0, 0, null, histogram());
        assertNull(s.interventions());
        assertEquals(0, s.interventions(Intervention.ESTOP));
        assertEquals(HealthCounters.ZERO, s.health());
        Map<String, String> wire = DiagnosticsPublisher.snapshot(s);
        assertEquals(null, wire.get("safety.estop"));
        assertEquals("active", wire.get("lifecycle"));
        assertEquals("none", wire.get("policy"));
        assertEquals("event", wire.get("engine"));
        assertEquals("0.000", wire.get("energy_pj_per_decision"));
        assertEquals("v", wire.get("k"));
    }
}
