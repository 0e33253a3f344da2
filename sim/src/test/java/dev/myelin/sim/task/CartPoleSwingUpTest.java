package dev.myelin.sim.task;

import dev.myelin.sim.Outcome;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.Transition;
import dev.myelin.sim.random.RandomizationSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CartPoleSwingUpTest {

    @Test
    void oneStepMatchesTheSwingUpEquations() {
        SimEnv env = new SimEnv(new CartPoleSwingUp(1, RandomizationSpec.none()));
        CartPoleSwingUp c = (CartPoleSwingUp) env.simulator();
        env.reset(1);
        // Pole horizontal (s = 1, c = 0), all at rest, F = 5 N:
        // xddot = 4 F / (4 M) = 5; thetaddot = 6 M g / (4 l M) = 6 * 9.82 / 2.4 = 24.55.
        c.setState(0, 0, 0, Math.PI / 2, 0);
        Transition t = env.step(new float[]{0.5f});
        float[] o = t.observation();
        assertEquals(0.0, o[0], 1e-9);
        assertEquals(0.0, o[1], 1e-6);
        assertEquals(1.0, o[2], 1e-6);
        assertEquals(0.05, o[3], 1e-6);
        assertEquals(0.2455, o[4], 1e-5);
        assertEquals(0.5, t.reward(), 1e-6);
    }

    @Test
    void hangingAtRestStaysAtRest() {
        SimEnv env = new SimEnv(new CartPoleSwingUp(1, RandomizationSpec.none()));
        CartPoleSwingUp c = (CartPoleSwingUp) env.simulator();
        env.reset(1);
        c.setState(0, 0.3, 0, Math.PI, 0);
        for (int i = 0; i < 100; i++) {
            Transition t = env.step(new float[]{0f});
            assertEquals(0f, t.reward(), 1e-6, "hanging earns nothing");
        }
        assertEquals(0.3, c.cartPosition(0), 1e-9);
        assertEquals(Math.PI, c.poleAngle(0), 1e-9);
    }

    @Test
    void uprightCentredEarnsOneAndFallsWithoutControl() {
        SimEnv env = new SimEnv(new CartPoleSwingUp(1, RandomizationSpec.none()));
        CartPoleSwingUp c = (CartPoleSwingUp) env.simulator();
        env.reset(1);
        c.setState(0, 0, 0, 1e-3, 0);
        Transition t = env.step(new float[]{0f});
        assertEquals(1.0, t.reward(), 1e-5);
        for (int i = 0; i < 150; i++) {
            env.step(new float[]{0f});
        }
        assertTrue(Math.abs(c.poleAngle(0)) > 1.0, "upright is unstable: " + c.poleAngle(0));
    }

    @Test
    void leavingTheTrackTerminatesAsFailure() {
        SimEnv env = new SimEnv(new CartPoleSwingUp(1, RandomizationSpec.none()));
        CartPoleSwingUp c = (CartPoleSwingUp) env.simulator();
        env.reset(1);
        c.setState(0, 2.35, 2.0, Math.PI, 0);
        Transition t = env.step(new float[]{1f});
        assertFalse(t.done());
        for (int i = 0; i < 10 && !t.done(); i++) {
            t = env.step(new float[]{1f});
        }
        assertTrue(t.terminated());
        assertEquals(Outcome.FAILURE, t.outcome(0));
        assertEquals(1, env.stats().failures());
    }

    @Test
    void startsHangingNearTheCentre() {
        SimEnv env = new SimEnv(new CartPoleSwingUp(1, RandomizationSpec.none()));
        for (int seed = 0; seed < 50; seed++) {
            float[] o = env.reset(seed);
            assertTrue(Math.abs(o[0]) < 1.0);
            assertTrue(o[1] < -0.7, "cos(theta) near -1: " + o[1]);
        }
    }
}
