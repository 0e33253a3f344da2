package dev.myelin.sim.task;

import dev.myelin.sim.Outcome;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.Transition;
import dev.myelin.sim.random.RandomizationSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiffDriveNavTest {
    private static final double[] NONE = {};

    private static SimEnv single(NavConfig config, String randomization) {
        RandomizationSpec spec = randomization == null ? RandomizationSpec.none()
                : RandomizationSpec.parse("parameters:\n" + randomization, "test");
        return new SimEnv(new DiffDriveNav(DiffDriveNav.NAME, 1, config, spec));
    }

    /** A robot at the origin facing +x, goal far ahead, nothing in the way. */
    private static DiffDriveNav openField(SimEnv env) {
        DiffDriveNav nav = (DiffDriveNav) env.simulator();
        env.reset(1);
        nav.setScene(0, new double[]{0}, new double[]{0}, new double[]{0}, new double[]{2.5}, new double[]{0},
                NONE, NONE, NONE);
        return nav;
    }

    @Test
    void straightDriveFollowsTheSmootherAndMotorLag() {
        NavConfig c = new NavConfig().obstacles(0).lidarNoise(0);
        SimEnv env = single(c, null);
        DiffDriveNav nav = openField(env);
        env.step(new float[]{0.2f, 0f});
        // Acceleration limit 0.5 m/s^2 over 0.1 s: command 0.05; lag 1 - exp(-0.1 / 0.05).
        double expected = 0.05 * (1 - Math.exp(-2));
        assertEquals(expected, nav.robotLinearVelocity(0), 1e-9);
        for (int i = 0; i < 40; i++) {
            env.step(new float[]{0.2f, 0f});
        }
        assertEquals(0.2, nav.robotLinearVelocity(0), 1e-4);
        assertEquals(0.0, nav.robotY(0), 1e-12);
        assertEquals(0.0, nav.robotHeading(0), 1e-12);
        // 41 steps: about 0.44 s to reach speed, then 0.2 m/s.
        assertTrue(nav.robotX(0) > 0.7 && nav.robotX(0) < 0.82, "x = " + nav.robotX(0));
    }

    @Test
    void odometryMisreportsWhenTheWheelsAreNotNominal() {
        NavConfig c = new NavConfig().obstacles(0).lidarNoise(0);
        SimEnv env = single(c, """
                  wheel_radius: { dist: constant, value: 1.1, relative: true }
                  track_width:  { dist: constant, value: 1.25, relative: true }
                """);
        DiffDriveNav nav = openField(env);
        Transition t = null;
        for (int i = 0; i < 60; i++) {
            t = env.step(new float[]{0.2f, 0f});
        }
        int v = c.beams() + 2;
        assertEquals(0.22, nav.robotLinearVelocity(0), 1e-4, "10 % larger wheels drive 10 % faster");
        assertEquals(0.2, t.observation()[v], 1e-4, "odometry assumes nominal wheels");
        openField(env);
        for (int i = 0; i < 60; i++) {
            t = env.step(new float[]{0f, 1.0f});
        }
        // True yaw rate (r/r0)(b0/b) w_c = 1.1 / 1.25; odometry multiplies back by (r0/r)(b/b0).
        assertEquals(1.1 / 1.25, nav.robotAngularVelocity(0), 1e-4);
        assertEquals(1.0, t.observation()[v + 1], 1e-4);
    }

    @Test
    void frictionAndGainChangeTheSteadySpeed() {
        NavConfig c = new NavConfig().obstacles(0).lidarNoise(0);
        SimEnv env = single(c, """
                  friction:   { dist: constant, value: 0.25 }
                  motor_gain: { dist: constant, value: 0.9 }
                """);
        DiffDriveNav nav = openField(env);
        for (int i = 0; i < 60; i++) {
            env.step(new float[]{0.2f, 0f});
        }
        assertEquals(0.2 * 0.9 / 1.25, nav.robotLinearVelocity(0), 1e-4);
    }

    @Test
    void heavierRobotAcceleratesMoreSlowly() {
        NavConfig c = new NavConfig().obstacles(0).lidarNoise(0).accelerationLimits(100, 100);
        SimEnv light = single(c, null);
        SimEnv heavy = single(c, "  mass: { dist: constant, value: 2.0, relative: true }\n");
        DiffDriveNav a = openField(light);
        DiffDriveNav b = openField(heavy);
        light.step(new float[]{0.2f, 0f});
        heavy.step(new float[]{0.2f, 0f});
        assertEquals(0.2 * (1 - Math.exp(-0.1 / 0.05)), a.robotLinearVelocity(0), 1e-9);
        assertEquals(0.2 * (1 - Math.exp(-0.1 / 0.1)), b.robotLinearVelocity(0), 1e-9);
    }

    @Test
    void lidarSeesTheSceneAndGoalIsInTheRobotFrame() {
        NavConfig c = new NavConfig().obstacles(1).lidarNoise(0).beams(4);
        SimEnv env = single(c, null);
        DiffDriveNav nav = (DiffDriveNav) env.simulator();
        env.reset(1);
        // Facing +y; obstacle 1 m to the right (at +x), goal 2 m behind (at -y).
        nav.setScene(0, new double[]{0}, new double[]{0}, new double[]{Math.PI / 2}, new double[]{0},
                new double[]{-2}, new double[]{1.0}, new double[]{0}, new double[]{0.3});
        Transition t = env.step(new float[]{0f, 0f});
        float[] o = t.observation();
        // Beams at -pi (behind), -pi/2 (right), 0 (ahead), pi/2 (left); arena half-size 3 m.
        assertEquals(3.0f, o[0], 1e-5);
        assertEquals(0.7f, o[1], 1e-5);
        assertEquals(3.0f, o[2], 1e-5);
        assertEquals(3.0f, o[3], 1e-5);
        assertEquals(2.0f, o[4], 1e-6, "goal distance");
        assertEquals(Math.PI, Math.abs(o[5]), 1e-5, "goal straight behind");
        assertEquals(-0.01f, t.reward(), 1e-6, "at rest: only the time penalty");
    }

    @Test
    void collisionTerminatesWithThePenalty() {
        NavConfig c = new NavConfig().obstacles(1).lidarNoise(0).accelerationLimits(100, 100);
        SimEnv env = single(c, null);
        DiffDriveNav nav = (DiffDriveNav) env.simulator();
        env.reset(1);
        nav.setScene(0, new double[]{0}, new double[]{0}, new double[]{0}, new double[]{2.5}, new double[]{0},
                new double[]{0.6}, new double[]{0}, new double[]{0.3});
        Transition t = null;
        for (int i = 0; i < 100; i++) {
            t = env.step(new float[]{0.22f, 0f});
            if (t.done()) {
                break;
            }
        }
        assertTrue(t.terminated());
        assertEquals(Outcome.COLLISION, t.outcome(0));
        assertTrue(t.reward() < -9, "collision penalty: " + t.reward());
        assertTrue(nav.robotX(0) > 0.6 - 0.3 - 0.105 && nav.robotX(0) < 0.3, "stopped at the obstacle: " + nav.robotX(0));
        assertEquals(1, env.stats().collisions());
        assertThrows(IllegalStateException.class, () -> env.step(new float[]{0f, 0f}));
    }

    @Test
    void arrivalSucceedsWithTheBonusAndProgressIsRewarded() {
        NavConfig c = new NavConfig().obstacles(0).lidarNoise(0);
        SimEnv env = single(c, null);
        DiffDriveNav nav = (DiffDriveNav) env.simulator();
        env.reset(1);
        nav.setScene(0, new double[]{0}, new double[]{0}, new double[]{0}, new double[]{1.0}, new double[]{0},
                NONE, NONE, NONE);
        double sum = 0;
        Transition t;
        do {
            t = env.step(new float[]{0.22f, 0f});
            sum += t.reward();
        } while (!t.done());
        assertEquals(Outcome.SUCCESS, t.outcome(0));
        assertTrue(t.terminated());
        // Progress 10 / m over about 0.8 m, arrival 10, -0.01 per step.
        double expected = 10 * (1.0 - nav.goalX(0) + nav.robotX(0)) + 10 - 0.01 * t.episodeLength();
        assertEquals(expected, sum, 1e-3);
        assertEquals(sum, t.episodeReturn(), 1e-3);
    }

    @Test
    void timeoutTruncates() {
        NavConfig c = new NavConfig().obstacles(0).lidarNoise(0).maxSteps(20);
        SimEnv env = single(c, null);
        openField(env);
        Transition t = null;
        for (int i = 0; i < 20; i++) {
            t = env.step(new float[]{0f, 0f});
        }
        assertTrue(t.truncated());
        assertFalse(t.terminated());
        assertEquals(Outcome.TIMEOUT, t.outcome(0));
    }

    @Test
    void randomScenesKeepStartsAndGoalsClear() {
        NavConfig c = new NavConfig().obstacles(16).robots(4);
        DiffDriveNav nav = new DiffDriveNav(DiffDriveNav.MULTI_NAME, 64, c, RandomizationSpec.none());
        for (int w = 0; w < 64; w++) {
            nav.seed(w, 5);
            nav.reset(w);
            assertTrue(nav.obstacleCount(w) >= 8, "most obstacles placed: " + nav.obstacleCount(w));
            for (int i = 0; i < 4; i++) {
                int a = w * 4 + i;
                double d = Math.hypot(nav.goalX(a) - nav.robotX(a), nav.goalY(a) - nav.robotY(a));
                assertTrue(d >= 1.0 - 1e-9 && d <= 4.0 + 1e-9, "goal distance " + d);
                for (int k = 0; k < nav.obstacleCount(w); k++) {
                    double clear = nav.obstacleRadius(w, k) + nav.robotRadius();
                    assertTrue(Math.hypot(nav.obstacleX(w, k) - nav.robotX(a), nav.obstacleY(w, k) - nav.robotY(a)) > clear);
                    assertTrue(Math.hypot(nav.obstacleX(w, k) - nav.goalX(a), nav.obstacleY(w, k) - nav.goalY(a)) > clear);
                }
                for (int j = 0; j < i; j++) {
                    int b = w * 4 + j;
                    assertTrue(Math.hypot(nav.robotX(a) - nav.robotX(b), nav.robotY(a) - nav.robotY(b)) > 2 * nav.robotRadius());
                }
            }
        }
    }

    @Test
    void robotsSeeEachOtherAndHeadOnCollisionPenalisesBoth() {
        NavConfig c = new NavConfig().robots(2).obstacles(0).lidarNoise(0).beams(4).accelerationLimits(100, 100);
        SimEnv env = new SimEnv(new DiffDriveNav(DiffDriveNav.MULTI_NAME, 1, c, RandomizationSpec.none()));
        DiffDriveNav nav = (DiffDriveNav) env.simulator();
        env.reset(1);
        nav.setScene(0, new double[]{-0.5, 0.5}, new double[]{0, 0}, new double[]{0, Math.PI},
                new double[]{2.5, -2.5}, new double[]{0, 0}, NONE, NONE, NONE);
        Transition t = env.step(new float[]{0f, 0f, 0f, 0f});
        float[] o = t.observation();
        int size = env.observationSpace().size();
        // Each sees the other 1 m ahead: surface at 1 - 0.105.
        assertEquals(0.895f, o[2], 1e-5);
        assertEquals(0.895f, o[size + 2], 1e-5);
        for (int i = 0; i < 50 && !t.done(); i++) {
            t = env.step(new float[]{0.22f, 0f, 0.22f, 0f});
        }
        assertTrue(t.terminated());
        assertEquals(Outcome.COLLISION, t.outcome(0));
        assertEquals(Outcome.COLLISION, t.outcome(1));
        assertTrue(t.reward(0) < -9 && t.reward(1) < -9);
        assertEquals(2, env.stats().collisions());
    }

    @Test
    void arrivedRobotParksWhileTheTeamDrivesOn() {
        NavConfig c = new NavConfig().robots(2).obstacles(0).lidarNoise(0);
        SimEnv env = new SimEnv(new DiffDriveNav(DiffDriveNav.MULTI_NAME, 1, c, RandomizationSpec.none()));
        DiffDriveNav nav = (DiffDriveNav) env.simulator();
        env.reset(1);
        nav.setScene(0, new double[]{0, 0}, new double[]{-1, 1}, new double[]{0, 0},
                new double[]{0.5, 2.0}, new double[]{-1, 1}, NONE, NONE, NONE);
        Transition t;
        do {
            t = env.step(new float[]{0.22f, 0f, 0.22f, 0f});
            if (nav.arrived(0) && !t.done()) {
                assertTrue(nav.driving(1));
                assertEquals(t.reward(0), t.reward(1), 1e-6, "shared team reward");
            }
        } while (!t.done());
        assertEquals(Outcome.SUCCESS, t.outcome(0));
        assertEquals(Outcome.SUCCESS, t.outcome(1));
        assertEquals(0.5, nav.robotX(0), 0.21, "parked at its goal");
    }

    @Test
    void scriptedBaselineSolvesMostEpisodes() {
        SimEnv env = new SimEnv(new DiffDriveNav(DiffDriveNav.NAME, 1, new NavConfig(), RandomizationSpec.none()));
        ScriptedNavigator baseline = ScriptedNavigator.of((DiffDriveNav) env.simulator());
        float[] act = new float[2];
        for (int ep = 0; ep < 60; ep++) {
            float[] obs = env.reset(ep);
            Transition t;
            do {
                baseline.act(obs, 0, act, 0);
                t = env.step(act);
                obs = t.observation();
            } while (!t.done());
        }
        assertTrue(env.stats().successRate() > 0.85, env.stats().toString());
    }

    @Test
    void badConfigurationIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DiffDriveNav(DiffDriveNav.NAME, 1, new NavConfig().beams(0), RandomizationSpec.none()));
        assertTrue(e.getMessage().contains("beams"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NavConfig().set("beam", "64"));
        assertTrue(e.getMessage().contains("unknown navigation option 'beam'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NavConfig().set("beams", "many"));
        assertTrue(e.getMessage().contains("'many' is not a whole number"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new DiffDriveNav(DiffDriveNav.NAME, 1, new NavConfig().robots(2), RandomizationSpec.none()));
        assertTrue(e.getMessage().contains("multi-diffdrive"), e.getMessage());
    }
}
