package dev.myelin.sim.task;

import dev.myelin.sim.Evaluation;
import dev.myelin.sim.Outcome;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.Transition;
import dev.myelin.sim.random.RandomizationSpec;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MuJoCo base against the 2-D task it mirrors: same scene per seed, the rangefinder lidar
 * seeing what the 2-D lidar sees, wheels that deliver the commanded speed within the motors' limits,
 * collisions from the bumper's touch sensor, success with the scripted navigator, and a step that
 * allocates nothing.
 */
class MujocoNavTest {

    private static NavConfig quiet() {
        return new NavConfig().lidarNoise(0);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} beams")
    @org.junit.jupiter.params.provider.ValueSource(ints = {64, 24})
    void aSeedGivesDiffdriveNavsSceneAndTheLidarSeesTheSame(int beamCount) {
        MujocoNav mj = new MujocoNav(1, quiet().beams(beamCount), null, RandomizationSpec.none());
        DiffDriveNav flat = new DiffDriveNav(DiffDriveNav.NAME, 1, quiet().beams(beamCount), RandomizationSpec.none());
        try {
            assertEquals(flat.observationSpace().toString(), mj.observationSpace().toString());
            assertEquals(flat.actionSpace().toString(), mj.actionSpace().toString());
            for (long seed : new long[] {3, 11, 42}) {
                mj.seed(0, seed);
                mj.reset(0);
                flat.seed(0, seed);
                flat.reset(0);
                assertEquals(flat.robotX(0), mj.robotX(0), 1e-12, "start x, seed " + seed);
                assertEquals(flat.robotY(0), mj.robotY(0), 1e-12);
                assertEquals(flat.robotHeading(0), mj.robotHeading(0), 1e-9);
                assertEquals(flat.goalX(0), mj.goalX(0));
                assertEquals(flat.obstacleCount(0), mj.scene().obstacleCount(0));
                float[] a = flat.observations();
                float[] b = mj.observations();
                int beams = flat.lidar().beams();
                for (int k = 0; k < beams; k++) {
                    // Analytic ray casting against circles and walls vs MuJoCo's rangefinders on the same scene.
                    assertEquals(a[k], b[k], 0.01f, "beam " + k + " of seed " + seed);
                }
                assertEquals(a[beams], b[beams], 1e-6f, "goal distance");
                assertEquals(a[beams + 1], b[beams + 1], 1e-6f, "goal bearing");
            }
        } finally {
            mj.close();
        }
    }

    @Test
    void wheelsDeliverTheCommandWithinTheMotorsLimitsAndTheBumperEndsTheEpisode() {
        MujocoNav mj = new MujocoNav(1, quiet().obstacles(0), null, RandomizationSpec.none());
        try {
            SimEnv env = new SimEnv(mj);
            env.reset(5);
            Transition t = null;
            for (int i = 0; i < 15; i++) {
                t = env.step(new float[] {0.22f, 0f});
            }
            float[] obs = t.observation();
            int beams = mj.lidar().beams();
            assertEquals(0.22, obs[beams + 2], 0.01, "wheel odometry at full speed");
            assertEquals(0.0, obs[beams + 3], 0.02);
            // Spin in place at the limit: the 2.84 rad/s command is met within wheel slip.
            for (int i = 0; i < 20; i++) {
                t = env.step(new float[] {0f, 2.84f});
            }
            assertEquals(2.84, t.observation()[beams + 3], 0.3, "odometry yaw rate");
            // Face a wall and drive on until the bumper meets it.
            Outcome end = Outcome.RUNNING;
            double before = mj.robotX(0);
            for (int i = 0; i < 600 && end == Outcome.RUNNING; i++) {
                double bearingToEast = -mj.robotHeading(0);
                t = env.step(new float[] {Math.abs(bearingToEast) < 0.2 ? 0.22f : 0f, (float) Math.max(-2.84, Math.min(2.84, 3 * bearingToEast))});
                end = t.outcome(0);
                if (t.done() && end != Outcome.COLLISION) {
                    env.reset(5);
                }
            }
            assertEquals(Outcome.COLLISION, end, "the bumper touched the east wall");
            assertTrue(mj.robotX(0) > 2.8, "stopped at the wall, x = " + mj.robotX(0) + " (from " + before + ")");
            assertEquals(-10.0 + 10 * 0 - 0.01, t.reward(), 0.5, "collision penalty plus little progress");
        } finally {
            mj.close();
        }
    }

    @Test
    void theScriptedNavigatorReachesGoalsAndRunsRepeatAndAllocateNothing() {
        SimEnv env = new SimEnv(Tasks.simulator(TaskSpec.of(MujocoNav.NAME), 1));
        MujocoNav mj = (MujocoNav) env.simulator();
        try {
            var actor = new ScriptedNavigator(mj.lidar(), 0.22, 2.84).actor(1, env.observationSpace().size());
            Evaluation.Summary s = Evaluation.run(env, actor, 6, 100);
            assertTrue(s.successes() >= 3, "scripted navigator succeeded in " + s.successes() + " of 6: " + s);
            Evaluation.Summary again = Evaluation.run(env, actor, 2, 100);
            assertArrayEquals(java.util.Arrays.copyOf(s.returns(), 2), again.returns(), "same seeds, same returns");

            float[] action = {0.1f, 0.3f};
            env.reset(1);
            for (int i = 0; i < 300; i++) {
                if (env.step(action).done()) {
                    env.reset(1);
                }
            }
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 300; i++) {
                if (env.step(action).done()) {
                    env.reset(1);
                }
            }
            long bytes = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(bytes <= 1024, bytes + " bytes allocated by 300 MuJoCo steps (15 000 physics steps)");
        } finally {
            mj.close();
        }
    }

    @Test
    void aModelWithoutTheLidarIsRefusedNamingWhatIsMissing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // A base of one's own with a fixed 64-beam lidar (no lidar blocks for the task to lay out).
        java.nio.file.Path base64 = dir.resolve("diffdrive-base.xml");
        java.nio.file.Files.writeString(base64, java.nio.file.Files.readString(RobotModels.extract(MujocoNav.DEFAULT_MODEL))
                .replace("<!-- lidar sites begin", "<!-- sites").replace("<!-- lidar sensors begin", "<!-- sensors"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tasks.simulator(TaskSpec.of(MujocoNav.NAME).withOptions("beams=72,model=" + base64), 1));
        assertTrue(e.getMessage().contains("mujoco-nav lidar beam 64 of 72: diffdrive-base.xml has no sensor named 'range_64'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Tasks.simulator(TaskSpec.of(MujocoNav.NAME).withOptions("beams=24,model=" + base64), 1));
        assertTrue(e.getMessage().contains("has more rangefinders than beams=24"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Tasks.simulator(TaskSpec.of(MujocoNav.NAME).withOptions("model=quadruped.xml"), 1));
        assertTrue(e.getMessage().contains("mujoco-nav lidar beam 0 of 64: quadruped.xml has no sensor named 'range_0'"), e.getMessage());
    }
    @Test
    void anMjcfModelWithARobotTaskSpecIsTheMujocoBase(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Task t = Tasks.simulator(TaskSpec.of("mjcf:diffdrive-base.xml").withOption("task_spec", "nav.yaml")
                .withVariant(dev.myelin.sim.Variant.REAL), 1);
        try {
            assertTrue(t instanceof MujocoNav, t.getClass().getName());
            assertEquals(28, t.observationSpace().size(), "the shipped spec's 24 beams + goal + odometry");
            assertTrue(t.parameters().highest("lidar_dropout") > 0, "mujoco-nav's own reality-gap preset applies");
        } finally {
            ((MujocoNav) t).close();
        }
        java.nio.file.Path bad = dir.resolve("bad.yaml");
        java.nio.file.Files.writeString(bad, "task: nav\nreward: {alive: {weight: 1}}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tasks.simulator(TaskSpec.of("mjcf:diffdrive-base.xml").withOption("task_spec", bad.toString()), 1));
        assertTrue(e.getMessage().contains("bad.yaml: 'reward' is not a key of a robot task spec (task, options)"), e.getMessage());
        java.nio.file.Files.writeString(bad, "task: swim\n");
        e = assertThrows(IllegalArgumentException.class,
                () -> Tasks.simulator(TaskSpec.of("mjcf:quadruped.xml").withOption("task_spec", bad.toString()), 1));
        assertTrue(e.getMessage().contains("task must be one of nav, quadruped-walk, got 'swim'"), e.getMessage());
    }
}
