package dev.myelin.sim;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimEnvTest {

    @Test
    void spacesHaveNamesUnitsAndKinds() {
        Env env = Tasks.env(TaskSpec.of("pendulum"));
        assertEquals(java.util.List.of("cos_angle", "sin_angle", "angular_velocity"), env.observationSpace().names());
        assertEquals("rad/s", env.observationSpace().unit(2));
        assertEquals(BoxSpace.Kind.VELOCITY, env.observationSpace().kind(2));
        assertEquals("torque", env.actionSpace().name(0));
        assertEquals(-2f, env.actionSpace().low(0));
        assertEquals(0.05, env.controlPeriod());
        Env nav = Tasks.env(TaskSpec.of("diffdrive-nav").withOption("beams", 32));
        assertEquals(36, nav.observationSpace().size());
        assertEquals("goal_bearing", nav.observationSpace().name(33));
        assertEquals(1, nav.agents());
        Env multi = Tasks.env(TaskSpec.of("multi-diffdrive"));
        assertEquals(Tasks.DEFAULT_ROBOTS, multi.agents());
    }

    @Test
    void invalidActionsFailLoudlyAndChangeNothing() {
        Env env = Tasks.env(TaskSpec.of("diffdrive-nav"));
        float[] first = env.reset(3).clone();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.step(new float[]{0.1f, Float.NaN}));
        assertTrue(e.getMessage().contains("action component 1 (angular_velocity) is NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> env.step(new float[]{Float.POSITIVE_INFINITY, 0f}));
        assertTrue(e.getMessage().contains("(linear_velocity) is Infinity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> env.step(new float[]{0.1f}));
        assertTrue(e.getMessage().contains("action has 1 components; expected 2 [linear_velocity, angular_velocity]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> env.step(null));
        assertTrue(e.getMessage().contains("null"), e.getMessage());
        // Nothing moved: the next valid step continues from the reset state.
        Transition t = env.step(new float[]{0f, 0f});
        assertEquals(1, t.episodeLength());
        assertEquals(1, env.stats().steps());
        Env again = Tasks.env(TaskSpec.of("diffdrive-nav"));
        assertArrayEquals(first, again.reset(3));
        assertArrayEquals(t.observation(), again.step(new float[]{0f, 0f}).observation());
    }

    @Test
    void multiAgentErrorsNameTheAgent() {
        Env env = Tasks.env(TaskSpec.of("multi-diffdrive").withOption("robots", 3));
        env.reset(1);
        float[] a = new float[6];
        a[5] = Float.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.step(a));
        assertTrue(e.getMessage().contains("(angular_velocity) of agent 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> env.step(new float[2]));
        assertTrue(e.getMessage().contains("expected 3 agents x 2"), e.getMessage());
    }

    @Test
    void outOfRangeActionsAreClippedAndCounted() {
        Env clipped = Tasks.env(TaskSpec.of("pendulum"));
        Env exact = Tasks.env(TaskSpec.of("pendulum"));
        clipped.reset(5);
        exact.reset(5);
        Transition a = clipped.step(new float[]{7f});
        Transition b = exact.step(new float[]{2f});
        assertEquals(1, a.clippedComponents());
        assertEquals(0, b.clippedComponents());
        assertArrayEquals(b.observation(), a.observation());
        assertEquals(b.reward(), a.reward());
        clipped.step(new float[]{-3f});
        clipped.step(new float[]{1f});
        assertEquals(2, clipped.stats().clippedComponents());
    }

    @Test
    void stepOutsideAnEpisodeIsRefused() {
        Env env = Tasks.env(TaskSpec.of("pendulum"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> env.step(new float[]{0f}));
        assertTrue(e.getMessage().contains("call reset() first"), e.getMessage());
        env.reset(1);
        Transition t;
        do {
            t = env.step(new float[]{0f});
        } while (!t.done());
        e = assertThrows(IllegalStateException.class, () -> env.step(new float[]{0f}));
        assertTrue(e.getMessage().contains("the last step ended the episode"), e.getMessage());
    }

    @Test
    void sameSeedSameEpisodeAndResetContinuesTheStream() {
        for (String task : Tasks.names()) {
            Env a = Tasks.env(TaskSpec.of(task).withVariant(Variant.REAL));
            Env b = Tasks.env(TaskSpec.of(task).withVariant(Variant.REAL));
            float[] first = a.reset(11).clone();
            assertArrayEquals(first, b.reset(11), task);
            float[] act = new float[a.agents() * a.actionSpace().size()];
            for (int i = 0; i < 50; i++) {
                Arrays.fill(act, (float) Math.sin(i * 0.3) * a.actionSpace().high(0));
                Transition ta = a.step(act);
                Transition tb = b.step(act);
                assertArrayEquals(ta.observation(), tb.observation(), task + " step " + i);
                assertEquals(ta.reward(), tb.reward());
                if (ta.done()) {
                    break;
                }
            }
            assertEquals(a.parameter("action_latency"), b.parameter("action_latency"));
            assertFalse(Arrays.equals(first, a.reset()), task + ": next episode differs");
        }
    }

    @Test
    void transitionAndObservationAreReused() {
        Env env = Tasks.env(TaskSpec.of("cartpole-swingup"));
        float[] obs = env.reset(1);
        Transition t1 = env.step(new float[]{0.1f});
        Transition t2 = env.step(new float[]{0.1f});
        assertSame(t1, t2);
        assertSame(obs, t2.observation());
    }

    @Test
    void unknownTasksAndOptionsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tasks.env(TaskSpec.of("acrobot")));
        assertTrue(e.getMessage().contains("unknown task 'acrobot' (known: pendulum, cartpole-swingup, diffdrive-nav, multi-diffdrive, hopper, "
                + "halfcheetah, walker2d, ant, mujoco-nav, quadruped-walk, mjcf:PATH.xml)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tasks.env(TaskSpec.of("pendulum").withOption("beams", 4)));
        assertTrue(e.getMessage().contains("takes no options"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TaskSpec.of("diffdrive-nav").withOptions("beams"));
        assertTrue(e.getMessage().contains("not key=value"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Variant.parse("sim2real"));
        assertTrue(e.getMessage().contains("unknown variant 'sim2real'"), e.getMessage());
    }

    @Test
    void episodeStatsWindowAndRates() {
        EpisodeStats s = new EpisodeStats();
        for (int i = 0; i < 150; i++) {
            s.recordEpisode(i % 3 == 0 ? Outcome.SUCCESS : Outcome.COLLISION, i, 10);
        }
        assertEquals(150, s.episodes());
        assertEquals(50, s.successes());
        assertEquals(100, s.collisions());
        assertEquals(74.5, s.meanReturn(), 1e-9);
        assertEquals(99.5, s.recentMeanReturn(), 1e-9, "last 100 returns: 50..149");
        assertEquals(1.0 / 3, s.successRate(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> s.recordEpisode(Outcome.RUNNING, 0, 1));
        EpisodeStats sum = new EpisodeStats();
        EpisodeStats other = new EpisodeStats();
        other.recordEpisode(Outcome.TIMEOUT, -1, 5);
        sum.sumOf(new EpisodeStats[]{s, other});
        assertEquals(151, sum.episodes());
        assertEquals(1, sum.timeouts());
    }
}
