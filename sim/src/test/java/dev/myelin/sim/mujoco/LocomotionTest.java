package dev.myelin.sim.mujoco;

import dev.myelin.sim.Env;
import dev.myelin.sim.Outcome;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.Transition;
import dev.myelin.sim.Variant;
import dev.myelin.sim.VectorEnv;
import dev.myelin.sim.random.RandomizationSpec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Gymnasium v4 locomotion tasks: layouts, documented model facts, rewards by hand, termination, determinism. */
class LocomotionTest {

    @Test
    void observationAndActionSizesAreGymnasiumV4s() {
        int[][] expected = {{11, 3}, {17, 6}, {17, 6}, {27, 8}};
        List<String> names = List.of("hopper", "halfcheetah", "walker2d", "ant");
        for (int i = 0; i < names.size(); i++) {
            try (Env env = Tasks.env(TaskSpec.of(names.get(i)))) {
                assertEquals(expected[i][0], env.observationSpace().size(), names.get(i) + " observation");
                assertEquals(expected[i][1], env.actionSpace().size(), names.get(i) + " action");
                assertEquals(expected[i][0], env.reset(1).length);
            }
        }
        try (Env ant = Tasks.env(TaskSpec.of("ant").withOption("contact_forces", true))) {
            assertEquals(27 + 14 * 6, ant.observationSpace().size());
            assertEquals("cfrc_ext_torso_fz", ant.observationSpace().name(27 + 6 + 5));
        }
        try (Env hopper = Tasks.env(TaskSpec.of("hopper"))) {
            assertEquals(List.of("rootz", "rooty", "thigh_joint", "leg_joint", "foot_joint", "rootx_velocity",
                    "rootz_velocity", "rooty_velocity", "thigh_joint_velocity", "leg_joint_velocity",
                    "foot_joint_velocity"), hopper.observationSpace().names());
            assertEquals(List.of("thigh_motor", "leg_motor", "foot_motor"), hopper.actionSpace().names());
            assertEquals(0.008, hopper.controlPeriod(), 1e-15);
        }
        assertThrows(IllegalArgumentException.class, () -> Tasks.env(TaskSpec.of("hopper").withOption("contact_forces", true)));
        assertThrows(IllegalArgumentException.class, () -> Tasks.env(TaskSpec.of("ant").withOption("contact_forces", "maybe")));
    }

    @Test
    void modelsCarryTheDocumentedGearsRangesAndMass() {
        double[][] gears = {{200, 200, 200}, {120, 90, 60, 120, 60, 30}, {100, 100, 100, 100, 100, 100},
                {150, 150, 150, 150, 150, 150, 150, 150}};
        Locomotion.Robot[] robots = {Locomotion.Robot.HOPPER, Locomotion.Robot.HALFCHEETAH,
                Locomotion.Robot.WALKER2D, Locomotion.Robot.ANT};
        for (int r = 0; r < robots.length; r++) {
            try (MjModel m = MujocoModels.load(robots[r].resource())) {
                for (int i = 0; i < gears[r].length; i++) {
                    assertEquals(gears[r][i], m.array("actuator_gear").get(i, 0), robots[r] + " gear " + i);
                }
            }
        }
        try (MjModel cheetah = MujocoModels.load("halfcheetah.xml")) {
            double total = 0;
            for (int b = 0; b < cheetah.nbody(); b++) {
                total += cheetah.array("body_mass").get(b);
            }
            assertEquals(14.0, total, 1e-9, "settotalmass");
            int bthigh = cheetah.require(MjObject.JOINT, "bthigh", "test");
            assertEquals(-0.52, cheetah.array("jnt_range").get(bthigh, 0), 1e-12);
            assertEquals(240, cheetah.array("jnt_stiffness").get(bthigh), 1e-12);
        }
        try (MjModel hopper = MujocoModels.load("hopper.xml")) {
            int thigh = hopper.require(MjObject.JOINT, "thigh_joint", "test");
            assertEquals(Math.toRadians(-150), hopper.array("jnt_range").get(thigh, 0), 1e-12);
            assertEquals(1.25, hopper.array("qpos0").get(1), 0, "rootz reads the torso height");
            assertEquals(0.002, hopper.timestep());
        }
        try (MjModel ant = MujocoModels.load("ant.xml")) {
            assertEquals(14, ant.nbody());
            assertEquals(15, ant.nq());
            assertEquals(4.0 / 3.0 * Math.PI * Math.pow(0.25, 3) * 5.0, ant.array("body_mass").get(1), 1e-9,
                    "sphere torso of density 5");
        }
    }

    @Test
    void rewardTermsMatchTheirDefinitionsByHand() {
        float[] action = {0.5f, -0.25f, 1f, -1f, 0.75f, 0.1f, -0.6f, 0.3f};
        for (Locomotion.Robot robot : Locomotion.Robot.values()) {
            for (boolean contact : robot == Locomotion.Robot.ANT ? new boolean[]{false, true} : new boolean[]{false}) {
                try (Locomotion task = Locomotion.create(robot, 1, contact, RandomizationSpec.none())) {
                    task.seed(0, 42);
                    task.reset(0);
                    MjData d = task.data(0);
                    int torso = task.model(0).require(MjObject.BODY, "torso", "test");
                    for (int step = 0; step < 5; step++) {
                        double xBefore = robot == Locomotion.Robot.ANT ? d.xpos().get(torso, 0) : d.qpos().get(0);
                        int nu = task.actionSpace().size();
                        System.arraycopy(action, 0, task.actions(), 0, nu);
                        task.step(0, 1);
                        double xAfter = robot == Locomotion.Robot.ANT ? d.xpos().get(torso, 0) : d.qpos().get(0);
                        double dt = task.controlPeriod();
                        double forward = (xAfter - xBefore) / dt;
                        double ctrl = 0;
                        for (int i = 0; i < nu; i++) {
                            ctrl += (double) action[i] * action[i];
                        }
                        double weight = switch (robot) {
                            case HOPPER, WALKER2D -> 1e-3;
                            case HALFCHEETAH -> 0.1;
                            case ANT -> 0.5;
                        };
                        double healthy = robot == Locomotion.Robot.HALFCHEETAH ? 0 : 1;
                        double contactCost = 0;
                        if (contact) {
                            for (int i = 0; i < 14 * 6; i++) {
                                double c = Math.max(-1, Math.min(1, d.cfrcExt().get(i)));
                                contactCost += 5e-4 * c * c;
                            }
                            assertTrue(contactCost >= 0);
                        }
                        String where = robot + " step " + step;
                        assertEquals(forward, task.rewardTerm(0, "forward"), 1e-12, where);
                        assertEquals(weight * ctrl, task.rewardTerm(0, "control"), 1e-12, where);
                        assertEquals(contactCost, task.rewardTerm(0, "contact"), 1e-12, where);
                        assertEquals((float) (forward + healthy - weight * ctrl - contactCost), task.rewards()[0], where);
                        for (int i = 0; i < nu; i++) {
                            assertEquals(action[i], d.ctrl().get(i), 0, where + " ctrl");
                        }
                    }
                    // observation layout: positions after the excluded x (and y), then velocities
                    int skip = robot == Locomotion.Robot.ANT ? 2 : 1;
                    float[] obs = task.observations();
                    assertEquals((float) d.qpos().get(skip), obs[0]);
                    int nq = task.model(0).nq();
                    double clip = robot == Locomotion.Robot.HOPPER || robot == Locomotion.Robot.WALKER2D ? 10 : 1e300;
                    assertEquals((float) Math.max(-clip, Math.min(clip, d.qvel().get(0))), obs[nq - skip]);
                }
            }
        }
    }

    @Test
    void unhealthyStatesTerminateAndHalfCheetahRunsToTheStepLimit() {
        try (Locomotion hopper = Locomotion.create(Locomotion.Robot.HOPPER, 1, false, RandomizationSpec.none())) {
            hopper.seed(0, 1);
            hopper.reset(0);
            assertTrue(hopper.healthy(hopper.data(0)));
            hopper.data(0).qpos().set(2, 0.3); // torso pitched beyond 0.2 rad
            assertFalse(hopper.healthy(hopper.data(0)));
            hopper.data(0).qpos().set(2, 0.0);
            hopper.data(0).qpos().set(1, 0.6); // below the 0.7 m healthy height
            hopper.step(0, 1);
            assertTrue(hopper.terminated()[0]);
            assertEquals(Outcome.FAILURE, Outcome.of(hopper.outcomes()[0]));
            assertEquals(1.0, hopper.rewardTerm(0, "healthy"), "v4 pays the healthy reward on the terminal step");
        }
        try (Locomotion walker = Locomotion.create(Locomotion.Robot.WALKER2D, 1, false, RandomizationSpec.none())) {
            walker.seed(0, 1);
            walker.reset(0);
            walker.data(0).qpos().set(1, 2.1);
            assertFalse(walker.healthy(walker.data(0)), "above the 2 m ceiling");
            walker.data(0).qpos().set(1, 1.25);
            walker.data(0).qpos().set(2, -1.05);
            assertFalse(walker.healthy(walker.data(0)), "tilted beyond 1 rad");
        }
        try (Locomotion ant = Locomotion.create(Locomotion.Robot.ANT, 1, false, RandomizationSpec.none())) {
            ant.seed(0, 1);
            ant.reset(0);
            ant.data(0).qpos().set(2, 1.0);
            assertTrue(ant.healthy(ant.data(0)), "1.0 m is inside the closed range");
            ant.data(0).qpos().set(2, 1.01);
            assertFalse(ant.healthy(ant.data(0)));
            ant.data(0).qpos().set(2, 0.5);
            ant.data(0).qvel().set(3, Double.NaN);
            assertFalse(ant.healthy(ant.data(0)));
        }
        try (Env cheetah = Tasks.env(TaskSpec.of("halfcheetah"))) {
            cheetah.reset(3);
            float[] a = new float[6];
            Transition t = null;
            for (int i = 0; i < 1000; i++) {
                assertTrue(t == null || !t.done(), "ended early at step " + i);
                Arrays.fill(a, (float) Math.sin(i * 0.3));
                t = cheetah.step(a);
            }
            assertTrue(t.truncated());
            assertFalse(t.terminated());
        }
    }

    @Test
    void resetNoiseHasTheDocumentedScale() {
        try (Locomotion hopper = Locomotion.create(Locomotion.Robot.HOPPER, 1, false, RandomizationSpec.none())) {
            double maxDev = 0;
            for (int s = 0; s < 20; s++) {
                hopper.seed(0, s);
                hopper.reset(0);
                for (int i = 0; i < 6; i++) {
                    double nominal = i == 1 ? 1.25 : 0;
                    maxDev = Math.max(maxDev, Math.abs(hopper.data(0).qpos().get(i) - nominal));
                    maxDev = Math.max(maxDev, Math.abs(hopper.data(0).qvel().get(i)));
                }
            }
            assertTrue(maxDev <= 5e-3 && maxDev > 2e-3, "uniform noise of 5e-3, largest deviation " + maxDev);
        }
        try (Locomotion cheetah = Locomotion.create(Locomotion.Robot.HALFCHEETAH, 1, false, RandomizationSpec.none())) {
            double sumSq = 0;
            int n = 0;
            for (int s = 0; s < 100; s++) {
                cheetah.seed(0, s);
                cheetah.reset(0);
                for (int i = 0; i < 9; i++) {
                    sumSq += Math.pow(cheetah.data(0).qvel().get(i), 2);
                    n++;
                }
            }
            assertEquals(0.1, Math.sqrt(sumSq / n), 0.01, "Gaussian velocity noise of 0.1");
        }
    }

    @Test
    void vectorEnvIsDeterministicWhateverTheThreadCount() {
        for (String task : List.of("hopper", "ant")) {
            float[][] finals = new float[2][];
            float[][] rewards = new float[2][];
            for (int threads = 1; threads <= 2; threads++) {
                try (VectorEnv v = Tasks.vector(TaskSpec.of(task).withVariant(Variant.REAL), 6, threads)) {
                    v.reset(11);
                    float[] act = new float[v.agents() * v.actionSpace().size()];
                    float[] rsum = new float[v.agents()];
                    for (int s = 0; s < 300; s++) {
                        for (int k = 0; k < act.length; k++) {
                            act[k] = (float) Math.sin(0.05 * s * (k + 1));
                        }
                        v.step(act);
                        for (int a = 0; a < rsum.length; a++) {
                            rsum[a] += v.rewards()[a];
                        }
                    }
                    finals[threads - 1] = v.observations().clone();
                    rewards[threads - 1] = rsum;
                }
            }
            assertArrayEquals(finals[0], finals[1], task + ": observations with 1 and 2 threads");
            assertArrayEquals(rewards[0], rewards[1], task + ": returns with 1 and 2 threads");
        }
        // world 0 of a vector env equals the single env with the same seed
        try (Env env = Tasks.env(TaskSpec.of("walker2d")); VectorEnv v = Tasks.vector(TaskSpec.of("walker2d"), 3, 2)) {
            float[] first = env.reset(5).clone();
            v.reset(5);
            assertArrayEquals(first, Arrays.copyOf(v.observations(), first.length));
        }
    }

    @Test
    void randomizedParametersRewriteEachWorldsOwnModel() {
        RandomizationSpec spec = RandomizationSpec.parse("""
                task: hopper
                parameters:
                  mass_scale: { dist: uniform, low: 1.5, high: 2.0 }
                  gear_scale: { dist: constant, value: 0.5 }
                """, "test.yaml");
        try (Locomotion hopper = Locomotion.create(Locomotion.Robot.HOPPER, 2, false, spec);
             MjModel nominal = MujocoModels.load("hopper.xml")) {
            for (int w = 0; w < 2; w++) {
                hopper.seed(w, 9);
                hopper.reset(w);
                double scale = hopper.parameters().value(MujocoTask.MASS_SCALE, w);
                assertTrue(scale >= 1.5 && scale <= 2.0);
                assertEquals(nominal.array("body_mass").get(2) * scale, hopper.model(w).array("body_mass").get(2), 1e-9);
                assertEquals(100.0, hopper.model(w).array("actuator_gear").get(1, 0), 1e-12);
            }
            assertTrue(hopper.model(0) != hopper.model(1), "each world owns its model");
        }
        try (Env real = Tasks.env(TaskSpec.of("ant").withVariant(Variant.REAL))) {
            real.reset(2);
            double mass = real.parameter(MujocoTask.MASS_SCALE);
            assertTrue(mass >= 1.1 && mass <= 1.2, "reality-gap preset applied: " + mass);
            assertEquals(0.01, real.parameter(MujocoTask.OBSERVATION_NOISE), 1e-6);
        }
    }

    @Test
    void partiallyObservableVariantsKeepPositionsOrVelocities() {
        try (Env p = Tasks.env(TaskSpec.of("hopper").withObservation("position-only"));
             Env v = Tasks.env(TaskSpec.of("hopper").withObservation("velocity-only"));
             Env a = Tasks.env(TaskSpec.of("ant").withOption("contact_forces", true).withObservation("velocity-only"))) {
            assertEquals(5, p.observationSpace().size());
            assertEquals(6, v.observationSpace().size());
            assertEquals(14, a.observationSpace().size());
            assertEquals("rootz", p.observationSpace().name(0));
        }
    }

    @Test
    void closingReleasesEveryWorld() {
        Locomotion task = Locomotion.create(Locomotion.Robot.WALKER2D, 3,
                false, RandomizationSpec.parse("task: walker2d\nparameters:\n  friction_scale: { dist: uniform, low: 0.5, high: 1.0 }\n", "t.yaml"));
        MjData d = task.data(2);
        MjModel m = task.model(2);
        task.close();
        assertFalse(d.isOpen());
        assertFalse(m.isOpen());
        assertThrows(IllegalStateException.class, () -> task.reset(0));
    }
}
