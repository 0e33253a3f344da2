package dev.myelin.sim.mujoco;

import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.Env;
import dev.myelin.sim.Outcome;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.Transition;
import dev.myelin.sim.random.RandomizationSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bring-your-own-robot tasks: a user's MJCF plus a declarative spec. */
class MjcfTaskTest {
    @TempDir
    Path dir;

    private Path robot() throws IOException {
        Path xml = dir.resolve("quadruped.xml");
        // the test quadruped with the first motor's ctrlrange changed to [0, 4] to check action scaling
        Files.writeString(xml, new String(MujocoBindingTest.resource("quadruped.xml"))
                .replace("<motor name=\"m_fl\" joint=\"hip_fl\" gear=\"20\"/>",
                        "<motor name=\"m_fl\" joint=\"hip_fl\" gear=\"20\" ctrlrange=\"0 4\"/>"));
        return xml;
    }

    private Path spec(String text) throws IOException {
        Path p = dir.resolve("spec.yaml");
        Files.writeString(p, text);
        return p;
    }

    private static final String SPEC = """
            frame_skip: 4
            max_steps: 50
            observation:
              joint_positions: [hip_fl, hip_hr, root]
              joint_velocities: [hip_fl]
              sensors: [accel, touch_fl]
              body_orientation: [base]
              body_velocity: [base]
            action:
              actuators: [m_fl, m_hr]
            reward:
              upright: { body: base, weight: 0.5 }
              control_cost: { weight: 0.1 }
              alive: { weight: 1.0 }
            termination:
              body_height: { body: base, min: 0.1, max: 2.0 }
            """;

    @Test
    void specBuildsObservationAndActionFromNames() throws IOException {
        try (MjcfTask task = MjcfTask.create(robot(), spec(SPEC), 1, RandomizationSpec.none())) {
            BoxSpace obs = task.observationSpace();
            assertEquals(2 + 7 + 1 + 3 + 1 + 4 + 6, obs.size());
            assertEquals(List.of("hip_fl", "hip_hr", "root_x"), obs.names().subList(0, 3));
            assertEquals(BoxSpace.Kind.VELOCITY, obs.kind(obs.indexOf("accel_0")));
            assertEquals(BoxSpace.Kind.FORCE, obs.kind(obs.indexOf("touch_fl")));
            assertEquals(List.of("m_fl", "m_hr"), task.actionSpace().names());
            assertEquals(0.02, task.controlPeriod(), 1e-12);

            task.seed(0, 1);
            task.reset(0);
            MjData d = task.data(0);
            task.actions()[0] = 0.5f;   // [-1, 1] -> [0, 4]: 3.0
            task.actions()[1] = -0.5f;  // [-1, 1] -> [-1, 1]: -0.5
            task.step(0, 1);
            assertEquals(3.0, d.ctrl().get(0), 1e-12);
            assertEquals(0.0, d.ctrl().get(1), 0, "unlisted actuators stay at 0");
            assertEquals(-0.5, d.ctrl().get(3), 1e-12);
            float[] o = task.observations();
            assertEquals((float) d.qpos().get(task.model(0).array("jnt_qposadr").getInt(1)), o[0]);
            int base = task.model(0).require(MjObject.BODY, "base", "test");
            assertEquals((float) d.xquat().get(base, 0), o[obs.indexOf("base_qw")]);
            assertEquals((float) d.sensordata().get(6), o[obs.indexOf("touch_fl")]);
            double upright = d.array("xmat").get(base * 9 + 8);
            // after mj_step, derived quantities (cvel, xpos, sensors) belong to the last substep's start, as in
            // MuJoCo; recomputed for the current state, the base's origin velocity is the free joint's qvel
            float[] fresh = new float[obs.size()];
            d.forward();
            task.observe(0, d, fresh, 0);
            MjArray xmat = d.array("xmat");
            for (int k = 0; k < 3; k++) {
                assertEquals(d.qvel().get(k), fresh[obs.indexOf("base_" + new String[]{"vx", "vy", "vz"}[k])], 1e-5);
                // the free joint's angular velocity is in the body frame; the observation's in the world frame
                double w = 0;
                for (int j = 0; j < 3; j++) {
                    w += xmat.get(base * 9 + 3 * k + j) * d.qvel().get(3 + j);
                }
                assertEquals(w, fresh[obs.indexOf("base_" + new String[]{"wx", "wy", "wz"}[k])], 1e-5);
            }
            double expected = 1.0 + 0.5 * upright - 0.1 * (0.25 + 0.25);
            assertEquals((float) expected, task.rewards()[0], 1e-6);
            assertEquals(Outcome.RUNNING, Outcome.of(task.outcomes()[0]));
        }
    }

    @Test
    void terminationsAndGoalsEndEpisodes() throws IOException {
        Path xml = robot();
        try (MjcfTask task = MjcfTask.create(xml, spec(SPEC), 1, RandomizationSpec.none())) {
            task.seed(0, 1);
            task.reset(0);
            task.data(0).qpos().set(2, 3.0); // lift the base above the 2 m ceiling
            task.step(0, 1);
            assertEquals(Outcome.FAILURE, Outcome.of(task.outcomes()[0]));
            assertTrue(task.terminated()[0]);
        }
        Path contactSpec = spec("""
                observation: { joint_positions: [root] }
                termination: { contact: { geoms: [chassis] } }
                reward: { reach_goal: { body: base, goal: [5.0, 0.0], radius: 0.5, bonus: 10 } }
                """);
        try (MjcfTask task = MjcfTask.create(xml, contactSpec, 1, RandomizationSpec.none())) {
            task.seed(0, 1);
            task.reset(0);
            task.data(0).qpos().set(2, 0.04); // chassis (5 cm half height) into the ground
            task.step(0, 1);
            assertEquals(Outcome.COLLISION, Outcome.of(task.outcomes()[0]));
        }
        Path goalSpec = spec("""
                observation: { joint_positions: [root] }
                reward: { reach_goal: { body: base, goal: [0.3, 0.0], radius: 0.5, bonus: 10, weight: 2 } }
                """);
        try (Env env = Tasks.env(TaskSpec.of(MjcfTask.PREFIX + xml).withOption(MjcfTask.SPEC_OPTION, goalSpec))) {
            env.reset(3);
            Transition t = env.step(new float[4]);
            assertEquals(Outcome.SUCCESS, t.outcome(0));
            assertTrue(t.reward(0) > 9, "bonus paid: " + t.reward(0));
        }
    }

    @Test
    void missingNamesAndBadKeysAreRefusedNamingSpecKeyAndName() throws IOException {
        Path xml = robot();
        int open = MjModel.openModels();
        String[][] cases = {
                {"observation: { sensors: [accel, lidar] }", "observation.sensors[1]", "'lidar'"},
                {"observation: { joint_positions: [knee] }", "observation.joint_positions[0]", "'knee'"},
                {"observation: { joint_positions: [root] }\naction: { actuators: [m_fl, m_tail] }", "action.actuators[1]", "'m_tail'"},
                {"observation: { joint_positions: [root] }\nreward: { upright: { body: head } }", "reward.upright.body", "'head'"},
                {"observation: { joint_positions: [root] }\ntermination: { contact: { geoms: [bumper] } }", "termination.contact.geoms[0]", "'bumper'"},
                {"observation: { joint_positions: [root] }\nreward: { speed: { weight: 1 } }", "reward.speed", "allowed"},
                {"observation: { joint_positions: [root] }\nframe_skip: 0", "frame_skip", ">= 1"},
                {"observation: { joint_positions: [root] }\ntermination: { tilt: { body: base } }", "termination.tilt.max_degrees", "required"},
                {"observation: {}", "observation names nothing", "joint_positions"},
        };
        for (String[] c : cases) {
            Path s = spec(c[0]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MjcfTask.create(xml, s, 2, RandomizationSpec.none()), c[0]);
            assertTrue(e.getMessage().contains(s.toString()) && e.getMessage().contains(c[1])
                    && e.getMessage().contains(c[2]), e.getMessage());
        }
        assertEquals(open, MjModel.openModels(), "refused tasks leave no model behind");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tasks.env(TaskSpec.of(MjcfTask.PREFIX + dir.resolve("nope.xml")).withOption(MjcfTask.SPEC_OPTION, spec(SPEC))));
        assertTrue(e.getMessage().contains("nope.xml"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tasks.env(TaskSpec.of(MjcfTask.PREFIX + xml)));
        assertTrue(e.getMessage().contains("task_spec"), e.getMessage());
    }

    @Test
    void realVariantAppliesTheGenericRealityGap() throws IOException {
        Path xml = robot();
        try (Env env = Tasks.env(TaskSpec.of(MjcfTask.PREFIX + xml).withOption(MjcfTask.SPEC_OPTION, spec(SPEC))
                .withVariant(dev.myelin.sim.Variant.REAL))) {
            env.reset(1);
            double gear = env.parameter(MujocoTask.GEAR_SCALE);
            assertTrue(gear >= 0.85 && gear <= 0.95, "gear scale " + gear);
            for (int i = 0; i < 20; i++) {
                env.step(new float[]{0.2f, -0.2f});
            }
        }
    }
}
