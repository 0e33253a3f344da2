package dev.myelin.sim.task;

import dev.myelin.sim.Actor;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The velocity-tracking figures of {@code quadruped-walk} and its two references. */
class VelocityTrackingTest {

    @Test
    void standingStillMissesTheCommandByTheCommandAndNeverFalls() {
        SimEnv env = new SimEnv(Tasks.simulator(TaskSpec.of(QuadrupedWalk.NAME).withOption("max_steps", 100), 1));
        QuadrupedWalk q = (QuadrupedWalk) env.simulator();
        try {
            // The commands of the three episodes, as drawn at reset.
            double squares = 0;
            double angular = 0;
            for (int e = 0; e < 3; e++) {
                env.reset(5 + e);
                squares += q.commandLinear(0) * q.commandLinear(0);
                angular += q.commandAngular(0) * q.commandAngular(0);
            }
            VelocityTracking t = VelocityTracking.measure(env, q, VelocityTracking.standing(), 3, 5);
            assertEquals(3, t.episodes());
            assertEquals(300, t.steps(), "three full episodes of 100 steps");
            assertEquals(6.0, t.seconds(), 1e-9);
            assertEquals(0, t.falls());
            assertEquals(0.0, t.fallsPerMinute());
            assertEquals(0.0, t.meanSpeed(), 0.02, "standing still");
            // Standing still, the error is the command itself: rms over steps = rms over the episodes' commands.
            assertEquals(Math.sqrt(squares / 3), t.linearRms(), 0.02);
            assertEquals(Math.sqrt(angular / 3), t.angularRms(), 0.03);
            assertTrue(t.linearMeanAbs() <= t.linearRms() + 1e-12, "mean |e| <= rms e");
        } finally {
            q.close();
        }
    }

    @Test
    void theScriptedTrotWalksAtTheCommandedSpeedAndStandingDoesNot() {
        SimEnv env = new SimEnv(Tasks.simulator(TaskSpec.of(QuadrupedWalk.NAME).withOption("max_steps", 250), 1));
        QuadrupedWalk q = (QuadrupedWalk) env.simulator();
        try {
            VelocityTracking trot = VelocityTracking.measure(env, q, new TrotGait(env.controlPeriod()), 4, 20);
            VelocityTracking stand = VelocityTracking.measure(env, q, VelocityTracking.standing(), 4, 20);
            assertEquals(0, trot.falls(), "the trot stays up");
            assertEquals(stand.meanCommand(), trot.meanCommand(), 1e-9, "the same episodes, the same commands");
            assertTrue(trot.meanSpeed() > 0.1, "the trot walks forward: " + trot);
            assertTrue(trot.linearRms() < 0.6 * stand.linearRms(), "trot " + trot.linearRms() + " vs standing " + stand.linearRms());
            // Blind to the command (always 0.25 m/s), the same gait tracks worse.
            VelocityTracking blind = VelocityTracking.measure(env, q,
                    VelocityTracking.commandBlind(new TrotGait(env.controlPeriod()), 33), 4, 20);
            assertTrue(trot.linearRms() < blind.linearRms(), "trot " + trot.linearRms() + " vs command-blind " + blind.linearRms());
        } finally {
            q.close();
        }
    }

    @Test
    void fallsAreCountedPerMinuteDriven() {
        SimEnv env = new SimEnv(Tasks.simulator(TaskSpec.of(QuadrupedWalk.NAME), 1));
        QuadrupedWalk q = (QuadrupedWalk) env.simulator();
        try {
            // Every joint at the folded end of its range: the trunk sinks below 0.2 m within a second.
            float[] fold = new float[12];
            for (int j = 0; j < 12; j++) {
                fold[j] = j % 3 == 0 ? 0f : j % 3 == 1 ? 2.6f : -2.6f;
            }
            VelocityTracking t = VelocityTracking.measure(env, q, (o, a) -> System.arraycopy(fold, 0, a, 0, 12), 2, 0);
            assertEquals(2, t.falls());
            assertTrue(t.seconds() < 2.0, "two short episodes: " + t.seconds());
            assertEquals(60.0 * 2 / t.seconds(), t.fallsPerMinute(), 1e-9);
        } finally {
            q.close();
        }
    }

    @Test
    void theCommandBlindReferenceSeesTheMiddleCommandAndTheRestUnchanged() {
        List<float[]> seen = new ArrayList<>();
        Actor recorder = (o, a) -> seen.add(o.clone());
        Actor blind = VelocityTracking.commandBlind(recorder, 33);
        float[] obs = new float[33];
        for (int i = 0; i < 33; i++) {
            obs[i] = i + 1;
        }
        blind.act(obs, new float[12]);
        float[] s = seen.getFirst();
        for (int i = 0; i < 31; i++) {
            assertEquals(obs[i], s[i]);
        }
        assertEquals(0.25f, s[31]);
        assertEquals(0f, s[32]);
        assertEquals(32f, obs[31], "the caller's observation is not changed");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VelocityTracking.commandBlind(recorder, 24))
                .getMessage().contains("33"));
    }
}
