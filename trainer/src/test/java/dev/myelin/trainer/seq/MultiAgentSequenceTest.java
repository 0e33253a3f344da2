package dev.myelin.trainer.seq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CTDE on multi-diffdrive: one parameter-shared actor (its size does not depend on the number of robots)
 * steps one lane per robot, and the centralised critic's input is every robot's history plus every
 * robot's action.
 */
class MultiAgentSequenceTest {

    @ParameterizedTest
    @ValueSource(strings = {"td3", "sac"})
    void sharedActorAndCentralisedCritic(String algorithm) throws Exception {
        SequenceConfig c = SequenceConfig.of(SequenceConfig.loadPreset("multi-diffdrive"), List.of("algorithm=" + algorithm,
                "task_options.robots=3",
                "envs=2", "steps=256", "start_steps=64", "update_after=64", "update_every=64", "updates_per_period=2",
                "eval_every=256", "eval_episodes=1", "task_options.max_steps=40", "batch_size=4", "history=3"));
        try (SequenceTrainingRun run = SequenceTrainingRun.start(c, null)) {
            assertEquals(3, run.agentsPerWorld());
            int obs = run.observationSpace().size();
            int act = run.actionSpace().size();
            assertEquals(3 * (3 * (obs + act)) + 3 * act, run.learner().criticInputWidth(),
                    "critic input = robots x (history x (obs + act)) + robots x act");
            SequenceActor single = SequenceActors.create(c.family, obs, act, c.actorOptions, c.seed);
            assertEquals(single.parameters().size(), run.actor().parameters().size(), "one shared actor, whatever the robot count");
            assertEquals(algorithm, run.learner().algorithm());
            SequenceTrainingRun.Result r = run.run();
            assertEquals(256, r.steps());
            assertTrue(r.updates() > 0);
            assertTrue(Double.isFinite(run.learner().lastCriticLoss()), "critic loss " + run.learner().lastCriticLoss());
            assertTrue(Double.isFinite(r.evalReturn()));
        }
        assertEquals(2 * (4 * (6 + 2)) + 2 * 2, WindowPolicy.criticInputWidth(2, 4, 6, 2));
    }

    @Test
    void sampledBatchHoldsOneSequencePerRobot() {
        SequenceReplay replay = SequenceReplayTest.filled(64, 100);
        SequenceReplay.Batch b = new SequenceReplay.Batch(5, SequenceReplayTest.AGENTS, SequenceReplayTest.OBS,
                SequenceReplayTest.ACT, 2, 3, 2);
        replay.sample(b, new dev.myelin.trainer.nn.RandomStream(1), new dev.myelin.trainer.rl.RunningNormalizer(2, 1e6f, false));
        int seqs = b.batch * b.agents;
        assertEquals((b.window + 1) * seqs * b.obs, b.observations.length);
        for (int w = 0; w < b.batch; w++) {
            // robots of one window share its episode and step, and differ in identity
            float id0 = b.observations[(w * b.agents) * b.obs + 1];
            float id1 = b.observations[(w * b.agents + 1) * b.obs + 1];
            assertEquals(id0 + 1, id1);
            assertEquals(b.observations[(w * b.agents) * b.obs], b.observations[(w * b.agents + 1) * b.obs]);
        }
    }
}
