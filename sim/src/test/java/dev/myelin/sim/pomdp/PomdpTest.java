package dev.myelin.sim.pomdp;

import dev.myelin.sim.Env;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.Transition;
import dev.myelin.sim.VectorEnv;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PomdpTest {

    @Test
    void positionOnlyAndVelocityOnlySplitTheObservation() {
        Env full = Tasks.env(TaskSpec.of("cartpole-swingup"));
        Env pos = Tasks.env(TaskSpec.of("cartpole-swingup").withObservation("position-only"));
        Env vel = Tasks.env(TaskSpec.of("cartpole-swingup").withObservation("velocity-only"));
        assertEquals(List.of("cart_position", "cos_pole_angle", "sin_pole_angle"), pos.observationSpace().names());
        assertEquals(List.of("cart_velocity", "pole_angular_velocity"), vel.observationSpace().names());
        float[] f = full.reset(4);
        assertArrayEquals(Arrays.copyOfRange(f, 0, 3), pos.reset(4));
        assertArrayEquals(Arrays.copyOfRange(f, 3, 5), vel.reset(4));
        for (int i = 0; i < 20; i++) {
            float[] a = {(float) Math.sin(i)};
            float[] fo = full.step(a).observation();
            assertArrayEquals(Arrays.copyOfRange(fo, 0, 3), pos.step(a).observation());
            assertArrayEquals(Arrays.copyOfRange(fo, 3, 5), vel.step(a).observation());
        }
        Env nav = Tasks.env(TaskSpec.of("diffdrive-nav").withObservation("position-only"));
        assertEquals(64 + 2, nav.observationSpace().size(), "ranges and goal kept, odometry velocities dropped");
    }

    @Test
    void delayShowsTheObservationFromKStepsAgo() {
        int k = 3;
        Env full = Tasks.env(TaskSpec.of("pendulum"));
        Env late = Tasks.env(TaskSpec.of("pendulum").withObservation("delay=" + k));
        List<float[]> history = new ArrayList<>();
        history.add(full.reset(9).clone());
        assertArrayEquals(history.get(0), late.reset(9));
        for (int i = 1; i <= 30; i++) {
            float[] a = {(float) Math.cos(0.5 * i)};
            history.add(full.step(a).observation().clone());
            float[] seen = late.step(a).observation();
            assertArrayEquals(history.get(Math.max(0, i - k)), seen, "step " + i);
        }
    }

    @Test
    void dropoutZeroesComponentsAtTheRequestedRate() {
        Env full = Tasks.env(TaskSpec.of("diffdrive-nav").withOption("lidar_noise", 0));
        Env holey = Tasks.env(TaskSpec.of("diffdrive-nav").withOption("lidar_noise", 0).withObservation("dropout=0.25"));
        full.reset(2);
        holey.reset(2);
        int zeros = 0;
        int total = 0;
        float[] a = {0.05f, 0.3f};
        for (int i = 0; i < 200; i++) {
            Transition tf = full.step(a);
            Transition th = holey.step(a);
            float[] fo = tf.observation();
            float[] ho = th.observation();
            for (int c = 0; c < 64; c++) {
                assertTrue(ho[c] == 0f || ho[c] == fo[c]);
                zeros += ho[c] == 0f ? 1 : 0;
                total++;
            }
            if (tf.done()) {
                break;
            }
        }
        assertEquals(0.25, (double) zeros / total, 0.02);
    }

    @Test
    void chainedVariantsApplyLeftToRight() {
        Env env = Tasks.env(TaskSpec.of("pendulum").withObservation("position-only,delay=1"));
        Env pos = Tasks.env(TaskSpec.of("pendulum").withObservation("position-only"));
        float[] prev = pos.reset(1).clone();
        assertArrayEquals(prev, env.reset(1));
        for (int i = 0; i < 10; i++) {
            float[] now = pos.step(new float[]{1f}).observation().clone();
            assertArrayEquals(prev, env.step(new float[]{1f}).observation());
            prev = now;
        }
    }

    @Test
    void vectorFilterRestartsHistoryOnAutoReset() {
        try (VectorEnv venv = Tasks.vector(TaskSpec.of("pendulum").withObservation("delay=2"), 2, 2);
             VectorEnv raw = Tasks.vector(TaskSpec.of("pendulum"), 2, 1)) {
            venv.reset(5);
            raw.reset(5);
            float[] act = {0.3f, -0.3f};
            List<float[]> rawHistory = new ArrayList<>();
            rawHistory.add(raw.observations().clone());
            for (int i = 1; i <= 200; i++) {
                venv.step(act);
                raw.step(act);
                if (i < 200) {
                    rawHistory.add(raw.observations().clone());
                    assertArrayEquals(rawHistory.get(Math.max(0, i - 2)), venv.observations(), "step " + i);
                } else {
                    assertTrue(venv.truncated()[0]);
                    // Final observation is the delayed view of the last state; the new episode starts undelayed.
                    assertArrayEquals(rawHistory.get(198), venv.finalObservations());
                    assertArrayEquals(raw.observations(), venv.observations());
                }
            }
        }
    }

    @Test
    void unknownVariantsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pomdp.parse("blind"));
        assertTrue(e.getMessage().contains("unknown observation variant 'blind'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Pomdp.parse("dropout=1.5"));
        assertTrue(e.getMessage().contains("[0, 1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Pomdp.parse("delay=1.5"));
        assertTrue(e.getMessage().contains("whole steps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Pomdp.parse("delay=x"));
        assertTrue(e.getMessage().contains("not a number"), e.getMessage());
        assertTrue(Pomdp.parse(" ").isEmpty());
    }
}
