package dev.myelin.sim;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimVectorEnvTest {

    /** A deterministic, varied action for agent a at step i. */
    private static void actions(float[] act, BoxSpace space, int step) {
        int n = space.size();
        for (int i = 0; i < act.length; i++) {
            float hi = space.high(i % n);
            act[i] = (float) (1.3 * hi * Math.sin(0.37 * step + 1.7 * i));
        }
    }

    @Test
    void worldZeroMatchesTheSingleEnvIncludingAutoReset() {
        for (String task : Tasks.names()) {
            TaskSpec spec = TaskSpec.of(task).withVariant(Variant.REAL).withOption("max_steps", 40);
            if (task.equals("pendulum") || task.equals("cartpole-swingup")) {
                spec = TaskSpec.of(task).withVariant(Variant.REAL);
            }
            try (VectorEnv venv = Tasks.vector(spec, 5, 2)) {
                Env env = Tasks.env(spec);
                int per = venv.agentsPerWorld() * venv.actionSpace().size();
                int obsLen = venv.agentsPerWorld() * venv.observationSpace().size();
                float[] single = env.reset(21);
                venv.reset(21);
                assertArrayEquals(single, Arrays.copyOf(venv.observations(), obsLen), task);
                float[] act = new float[venv.agents() * venv.actionSpace().size()];
                float[] one = new float[per];
                int episodes = 0;
                for (int i = 0; i < 2100 && episodes < 2; i++) {
                    actions(act, venv.actionSpace(), i);
                    System.arraycopy(act, 0, one, 0, per);
                    Transition t = env.step(one);
                    venv.step(act);
                    assertEquals(t.reward(0), venv.rewards()[0], task + " step " + i);
                    assertEquals(t.terminated(), venv.terminated()[0]);
                    assertEquals(t.truncated(), venv.truncated()[0]);
                    if (t.done()) {
                        episodes++;
                        assertArrayEquals(t.observation(), Arrays.copyOf(venv.finalObservations(), obsLen), task + " final obs");
                        assertEquals(t.outcome(0), venv.outcome(0));
                        single = env.reset();
                        assertArrayEquals(single, Arrays.copyOf(venv.observations(), obsLen), task + " auto-reset obs");
                    } else {
                        assertArrayEquals(t.observation(), Arrays.copyOf(venv.observations(), obsLen), task + " step " + i);
                    }
                }
                assertTrue(episodes >= 1, task + " finished an episode");
            }
        }
    }

    @Test
    void threadCountDoesNotChangeResults() {
        for (String task : new String[]{"pendulum", "diffdrive-nav", "multi-diffdrive"}) {
            TaskSpec spec = TaskSpec.of(task).withVariant(Variant.REAL);
            if (task.contains("diffdrive")) {
                spec = spec.withOption("max_steps", 100);
            }
            try (VectorEnv one = Tasks.vector(spec, 37, 1); VectorEnv two = Tasks.vector(spec, 37, 2);
                 VectorEnv three = Tasks.vector(spec, 37, 3)) {
                assertEquals(1, one.threads());
                assertEquals(3, three.threads());
                one.reset(8);
                two.reset(8);
                three.reset(8);
                float[] act = new float[one.agents() * one.actionSpace().size()];
                for (int i = 0; i < 300; i++) {
                    actions(act, one.actionSpace(), i);
                    one.step(act);
                    two.step(act);
                    three.step(act);
                    assertArrayEquals(one.observations(), two.observations(), task + " step " + i);
                    assertArrayEquals(one.observations(), three.observations(), task + " step " + i);
                    assertArrayEquals(one.rewards(), two.rewards());
                    assertArrayEquals(one.terminated(), three.terminated());
                }
                assertEquals(one.stats().episodes(), two.stats().episodes());
                assertEquals(one.stats().meanReturn(), three.stats().meanReturn(), 1e-9);
                assertEquals(37L * one.agentsPerWorld() * 300, two.stats().steps());
                assertTrue(one.stats().episodes() > 0, task);
            }
        }
    }

    @Test
    void autoResetStartsAFreshEpisode() {
        try (VectorEnv venv = Tasks.vector(TaskSpec.of("pendulum"), 3, 2)) {
            venv.reset(1);
            float[] act = new float[3];
            for (int i = 0; i < 199; i++) {
                venv.step(act);
                assertFalse(venv.truncated()[0]);
            }
            venv.step(act);
            for (int w = 0; w < 3; w++) {
                assertTrue(venv.truncated()[w]);
                assertEquals(Outcome.TIMEOUT, venv.outcome(w));
                assertFalse(Arrays.equals(Arrays.copyOfRange(venv.finalObservations(), 3 * w, 3 * w + 3),
                        Arrays.copyOfRange(venv.observations(), 3 * w, 3 * w + 3)));
            }
            venv.step(act);
            assertFalse(venv.truncated()[0]);
            assertEquals(3, venv.stats().timeouts());
            assertEquals(603, venv.stats().steps());
        }
    }

    @Test
    void invalidActionsMoveNoWorld() {
        try (VectorEnv venv = Tasks.vector(TaskSpec.of("diffdrive-nav"), 4, 2)) {
            assertThrows(IllegalStateException.class, () -> venv.step(new float[8]));
            venv.reset(2);
            float[] before = venv.observations().clone();
            float[] act = new float[8];
            act[7] = Float.NaN;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> venv.step(act));
            assertTrue(e.getMessage().contains("(angular_velocity) of agent 3 is NaN"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> venv.step(new float[7]));
            assertArrayEquals(before, venv.observations());
            assertEquals(0, venv.stats().steps());
            float[] wild = new float[8];
            Arrays.fill(wild, 100f);
            venv.step(wild);
            assertEquals(8, venv.stats().clippedComponents());
            venv.close();
            assertThrows(IllegalStateException.class, () -> venv.step(new float[8]));
        }
    }

    @Test
    void domainRandomizationDrawsPerWorldAndPerEpisode() {
        TaskSpec spec = TaskSpec.of("diffdrive-nav").withVariant(Variant.REAL).withOption("max_steps", 5);
        try (VectorEnv venv = Tasks.vector(spec, 16, 2)) {
            venv.reset(3);
            double m0 = venv.parameter("mass", 0);
            double m1 = venv.parameter("mass", 1);
            assertTrue(m0 >= 1.15 && m0 <= 1.4 && m1 >= 1.15 && m1 <= 1.4);
            assertTrue(m0 != m1, "worlds draw independently");
            float[] act = new float[32];
            for (int i = 0; i < 5; i++) {
                venv.step(act);
            }
            assertTrue(venv.truncated()[0]);
            assertTrue(venv.parameter("mass", 0) != m0, "a new episode draws again");
            double latency = venv.parameter("action_latency", 0);
            assertTrue(latency == 1 || latency == 2);
        }
    }
}
