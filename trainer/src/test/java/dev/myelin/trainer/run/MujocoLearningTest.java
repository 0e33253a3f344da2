package dev.myelin.trainer.run;

import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.PolicyBundle;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.compress.Precision;
import dev.myelin.policy.model.Channel;
import dev.myelin.sim.Actor;
import dev.myelin.sim.Env;
import dev.myelin.sim.Evaluation;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.trainer.mpi.Communicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CI-sized runs on MuJoCo: TD3 with PopSAN's spiking actor learns to hop (a random policy falls
 * after about 20 steps with a return near 15), and a user's own MJCF model trains and exports a
 * bundle whose channels are the model's joint and actuator names.
 */
class MujocoLearningTest {

    @Test
    void td3PopSanLearnsToHop(@TempDir Path tmp) throws IOException {
        double random;
        try (Env env = Tasks.env(TaskSpec.of("hopper"))) {
            random = Evaluation.run(env, Actor.uniform(env.actionSpace(), 5), 20, 100).meanReturn();
        }
        TrainConfig c = TrainConfig.of(TrainConfig.loadPreset("hopper"), List.of("steps=8000", "start_steps=1000",
                "eval_every=8000", "checkpoint_every=8000", "eval_episodes=5", "actor.hidden=64,64",
                "critic.hidden=128,128"));
        try (TrainingRun run = TrainingRun.start(c, tmp.resolve("hopper"), Communicator.single())) {
            TrainingRun.Result r = run.run();
            assertTrue(random < 40, "random policy return " + random);
            assertTrue(r.evalReturn() >= 100 && r.evalReturn() > 3 * random,
                    "TD3-PopSAN hopper return after 8000 steps " + r.evalReturn() + " vs random " + random);
        }
    }

    @Test
    void ownMjcfModelTrainsAndExportsItsNames(@TempDir Path tmp) throws Exception {
        Path xml = tmp.resolve("slider.xml");
        Files.writeString(xml, """
                <mujoco model="slider">
                  <option timestep="0.01"/>
                  <worldbody>
                    <geom name="floor" type="plane" size="5 5 0.1"/>
                    <body name="cart" pos="0 0 0.1">
                      <joint name="rail" type="slide" axis="1 0 0" damping="1"/>
                      <geom name="cart_box" type="box" size="0.1 0.1 0.05" mass="1" contype="0" conaffinity="0"/>
                    </body>
                  </worldbody>
                  <actuator>
                    <motor name="push" joint="rail" gear="5" ctrllimited="true" ctrlrange="-1 1"/>
                  </actuator>
                </mujoco>
                """);
        Path spec = tmp.resolve("slider.yaml");
        Files.writeString(spec, """
                frame_skip: 5
                max_steps: 100
                observation:
                  joint_positions: [rail]
                  joint_velocities: [rail]
                reward:
                  reach_goal: { body: cart, goal: [1.0, 0.0], radius: 0.1, bonus: 5 }
                  control_cost: { weight: 0.01 }
                """);
        TrainConfig c = TrainConfig.of(TrainConfig.loadPreset("hopper"), List.of("task=mjcf:" + xml,
                "task_options.task_spec=" + spec, "steps=600", "start_steps=200", "update_after=200",
                "eval_every=600", "checkpoint_every=600", "eval_episodes=2", "actor.hidden=16,16",
                "critic.hidden=32,32", "replay_size=5000"));
        Path run = tmp.resolve("run");
        try (TrainingRun r = TrainingRun.start(c, run, Communicator.single())) {
            assertTrue(Double.isFinite(r.run().evalReturn()));
        }
        Path bundle = tmp.resolve("slider.myl");
        PolicyExport.export(new PolicyExport.Request(run, bundle, List.of(Precision.FP32), 0, null, null, null, 0));
        PolicyBundle b = BundleReader.read(bundle, TrustedKeys.none());
        assertEquals(List.of("rail", "rail_velocity"), b.policy().observations().stream().map(Channel::name).toList());
        assertEquals(List.of("push"), b.policy().actions().stream().map(Channel::name).toList());
    }
}
