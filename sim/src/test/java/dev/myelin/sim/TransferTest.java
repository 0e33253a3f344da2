package dev.myelin.sim;

import dev.myelin.sim.task.DiffDriveNav;
import dev.myelin.sim.task.MujocoNav;
import dev.myelin.sim.task.ScriptedNavigator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transfer report's two worlds run the same seeds and scenes, and its rates come from those episodes. */
class TransferTest {

    @Test
    void bothWorldsRunTheSameSeedsAndScenes() {
        int episodes = 4;
        long seed = 20;
        SimEnv flat = new SimEnv(Tasks.simulator(TaskSpec.of(DiffDriveNav.NAME).withOptions("beams=24"), 1));
        SimEnv physics = new SimEnv(Tasks.simulator(TaskSpec.of(MujocoNav.NAME).withOptions("beams=24"), 1));
        try {
            DiffDriveNav nav = (DiffDriveNav) flat.simulator();
            Transfer.World k = Transfer.run(flat, ScriptedNavigator.of(nav).actor(1, 28), episodes, seed);
            Transfer.World m = Transfer.run(physics, ScriptedNavigator.of(nav).actor(1, 28), episodes, seed);
            assertEquals("diffdrive-nav", k.task());
            assertEquals("mujoco-nav", m.task());
            for (int e = 0; e < episodes; e++) {
                Transfer.Episode a = k.episodes().get(e);
                Transfer.Episode b = m.episodes().get(e);
                assertEquals(seed + e, a.seed());
                assertEquals(a.seed(), b.seed());
                assertEquals(a.startX(), b.startX());
                assertEquals(a.startY(), b.startY());
                assertEquals(a.goalX(), b.goalX());
                assertEquals(a.goalY(), b.goalY());
            }
            long successes = m.episodes().stream().filter(x -> x.outcome() == Outcome.SUCCESS).count();
            assertEquals(successes / (double) episodes, m.successRate());
            assertTrue(k.successRate() > 0 && m.successRate() > 0, "the scripted navigator reaches goals in both: " + k + " " + m);
            // The kinematic side is what eval reports for the same seeds.
            Evaluation.Summary s = Evaluation.run(flat, ScriptedNavigator.of(nav).actor(1, 28), episodes, seed);
            assertArrayEquals(s.returns(), k.episodes().stream().mapToDouble(Transfer.Episode::episodeReturn).toArray());
            assertEquals(s.successRate(), k.successRate());
            assertThrows(IllegalArgumentException.class, () -> Transfer.run(new SimEnv(Tasks.simulator(TaskSpec.of("pendulum"), 1)),
                    Actor.zero(), 1, 0));
        } finally {
            ((MujocoNav) physics.simulator()).close();
        }
    }
}
