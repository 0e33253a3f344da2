package dev.myelin.sim.task;

import dev.myelin.sim.Outcome;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.Transition;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MuJoCo quadruped task: it stands on its PD servos, falls when its legs fold, repeats per seed, allocates nothing. */
class QuadrupedWalkTest {

    @Test
    void standsOnItsServosAndFallsWhenItsLegsFold() {
        SimEnv env = new SimEnv(Tasks.simulator(TaskSpec.of(QuadrupedWalk.NAME), 1));
        QuadrupedWalk q = (QuadrupedWalk) env.simulator();
        try {
            assertEquals(33, env.observationSpace().size());
            assertEquals(12, env.actionSpace().size());
            assertEquals("hr_calf_velocity", env.observationSpace().name(23));
            assertEquals("command_angular_z", env.observationSpace().name(32));
            float[] obs = env.reset(4);
            assertTrue(obs[31] >= 0 && obs[31] <= 0.5 && Math.abs(obs[32]) <= 0.5, "command drawn in range");
            float[] stand = QuadrupedWalk.standingTargets();
            Transition t = null;
            for (int i = 0; i < 150; i++) { // 3 s
                t = env.step(stand);
                assertEquals(Outcome.RUNNING, t.outcome(0), "standing, step " + i);
            }
            assertEquals(0.28, q.trunkHeight(0), 0.03, "trunk height on straight-ish legs");
            for (int j = 0; j < 12; j++) {
                assertEquals(stand[j], t.observation()[j], 0.12, "joint " + QuadrupedWalk.JOINTS.get(j) + " holds its target (PD sag under load)");
            }
            assertEquals(1.0, t.observation()[27], 0.01, "imu_qw: level");
            assertTrue(t.reward(0) > 0.2, "alive plus some tracking: " + t.reward(0));
            // Fold every leg as far as the action range allows: thighs forward, calves closed; the trunk comes down.
            float[] fold = new float[12];
            for (int j = 0; j < 12; j++) {
                fold[j] = j % 3 == 0 ? 0f : j % 3 == 1 ? 2.6f : -2.6f;
            }
            Outcome end = Outcome.RUNNING;
            for (int i = 0; i < 200 && end == Outcome.RUNNING; i++) {
                end = env.step(fold).outcome(0);
            }
            assertEquals(Outcome.FAILURE, end, "a trunk below 0.2 m ends the episode, height " + q.trunkHeight(0));
        } finally {
            q.close();
        }
    }

    @Test
    void theSameSeedRepeatsAndAStepAllocatesNothing() {
        SimEnv env = new SimEnv(Tasks.simulator(TaskSpec.of(QuadrupedWalk.NAME), 1));
        QuadrupedWalk q = (QuadrupedWalk) env.simulator();
        try {
            float[] a = new float[12];
            float[][] runs = new float[2][];
            for (int r = 0; r < 2; r++) {
                env.reset(9);
                Transition t = null;
                for (int i = 0; i < 50; i++) {
                    for (int j = 0; j < 12; j++) {
                        a[j] = QuadrupedWalk.standingTargets()[j] + 0.3f * (float) Math.sin(0.2 * i + j);
                    }
                    t = env.step(a);
                    if (t.done()) {
                        break;
                    }
                }
                runs[r] = t.observation().clone();
            }
            assertArrayEquals(runs[0], runs[1]);
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            float[] stand = QuadrupedWalk.standingTargets();
            env.reset(9);
            for (int i = 0; i < 2000; i++) { // warm-up: JIT, with episode ends
                if (env.step(i % 400 < 200 ? a : stand).done()) {
                    env.reset(9);
                }
            }
            env.reset(9);
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 400; i++) {
                env.step(stand);
            }
            long bytes = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(bytes <= 1024, bytes + " bytes allocated by 400 quadruped steps");
        } finally {
            q.close();
        }
    }

    @Test
    void theGaitPriorPaysTheTrotOverStandingStill() {
        SimEnv env = new SimEnv(Tasks.simulator(TaskSpec.of(QuadrupedWalk.NAME), 1));
        QuadrupedWalk q = (QuadrupedWalk) env.simulator();
        try {
            float[] stand = QuadrupedWalk.standingTargets();
            float[] a = new float[12];
            float[] reference = new float[12];
            double[] returns = new double[2];
            for (int r = 0; r < 2; r++) {
                TrotGait trot = new TrotGait(env.controlPeriod());
                trot.startEpisode();
                float[] obs = env.reset(3);
                for (int i = 0; i < 250; i++) { // 5 s
                    if (r == 0) {
                        System.arraycopy(stand, 0, a, 0, 12);
                    } else {
                        trot.act(obs, a);
                        TrotGait.targets(i, env.controlPeriod(), obs[31], obs[32], reference);
                        assertArrayEquals(reference, a, "the reward's reference is the trot's action");
                    }
                    Transition t = env.step(a);
                    assertEquals(Outcome.RUNNING, t.outcome(0), "step " + i);
                    returns[r] += t.reward(0);
                    obs = t.observation();
                }
            }
            assertTrue(returns[1] > returns[0] + 0.2 * 250, "trot " + returns[1] + " vs standing " + returns[0]);
        } finally {
            q.close();
        }
    }
}
