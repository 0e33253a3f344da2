package dev.myelin.controller;

import dev.myelin.controller.config.ActionOutput;
import dev.myelin.controller.safety.Intervention;
import dev.myelin.controller.safety.SafetyGate;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetyGateTest {
    // v in [-0.2, 0.5] at most 1 m/s^2, w in [-2, 2] without a rate limit; safe (0.1, 0): a creep, to tell it from zero.
    private final SafetyGate gate = new SafetyGate(List.of(
            new ActionOutput("v", "/cmd_vel", "geometry_msgs/msg/Twist", "default", "linear.x", "m/s", -0.2, 0.5, 1.0, 0.1),
            new ActionOutput("w", "/cmd_vel", "geometry_msgs/msg/Twist", "default", "angular.z", "rad/s", -2, 2, 0, 0)),
            0.1);
    private final float[] cmd = new float[2];

    @Test
    void startsSafeAndRampsAwayUnderTheRateLimit() {
        assertTrue(gate.pass(new float[] {0.5f, 1f}, cmd));
        assertArrayEquals(new float[] {0.2f, 1f}, cmd, 1e-6f, "0.1 safe + 1 m/s^2 * 0.1 s");
        assertEquals(1, gate.count(Intervention.RATE_LIMIT));
        gate.pass(new float[] {0.5f, 1f}, cmd);
        gate.pass(new float[] {0.5f, 1f}, cmd);
        assertEquals(0.4f, cmd[0], 1e-6f);
        gate.pass(new float[] {0.45f, 1f}, cmd);
        assertEquals(0.45f, cmd[0], 1e-6f, "within the step: passed unchanged");
        assertEquals(3, gate.count(Intervention.RATE_LIMIT));
        assertEquals(0, gate.count(Intervention.CLAMP));
    }

    @Test
    void clampsToTheLimits() {
        gate.pass(new float[] {0.1f, 9f}, cmd);
        assertArrayEquals(new float[] {0.1f, 2f}, cmd, 0f);
        gate.pass(new float[] {0.1f, -9f}, cmd);
        assertEquals(-2f, cmd[1], 0f);
        assertEquals(2, gate.count(Intervention.CLAMP));
    }

    @Test
    void nonFiniteActionsGoToTheSafeCommandWhichBypassesTheRateLimit() {
        for (int i = 0; i < 5; i++) {
            gate.pass(new float[] {0.5f, 1f}, cmd);
        }
        assertEquals(0.5f, cmd[0], 1e-6f);
        assertFalse(gate.pass(new float[] {Float.NaN, 1f}, cmd));
        assertArrayEquals(new float[] {0.1f, 0f}, cmd, 0f, "straight to safe, not ramped");
        assertFalse(gate.pass(new float[] {0f, Float.POSITIVE_INFINITY}, cmd));
        assertEquals(2, gate.count(Intervention.NON_FINITE_ACTION));
        assertEquals(2, gate.safeHolds());
    }

    @Test
    void holdsAndObservationChecksAreCountedByCause() {
        gate.hold(Intervention.STALE_INPUT, cmd);
        gate.hold(Intervention.ESTOP, cmd);
        gate.hold(Intervention.ESTOP, cmd);
        gate.hold(null, cmd);
        assertArrayEquals(new float[] {0.1f, 0f}, cmd, 0f);
        assertTrue(gate.admitObservation(new float[] {1f, 2f, Float.NaN}, 2), "only the first n values are checked");
        assertFalse(gate.admitObservation(new float[] {1f, Float.NEGATIVE_INFINITY}, 2));
        assertEquals(1, gate.count(Intervention.STALE_INPUT));
        assertEquals(2, gate.count(Intervention.ESTOP));
        assertEquals(1, gate.count(Intervention.NON_FINITE_OBSERVATION));
        assertEquals(4, gate.safeHolds());
    }
}
