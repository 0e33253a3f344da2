package dev.myelin.trainer.seq;

import dev.myelin.trainer.rl.Sac;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short sequence-TD3 and sequence-SAC run on the position-only pendulum (far too short to swing up, which
 * takes tens of thousands of steps): the critic fits (its loss falls from the first updates' level) and the
 * actor has learned to choose actions the critic values above those the exploring behaviour took. SAC's
 * temperature and spread move from their initial values.
 */
class SequenceLearnersLearnTest {

    @ParameterizedTest
    @ValueSource(strings = {"td3", "sac"})
    void criticFitsAndActorImprovesOnTheBehaviour(String algorithm) throws Exception {
        SequenceConfig c = SequenceConfig.of(SequenceConfig.loadPreset("pendulum-po"), List.of("algorithm=" + algorithm,
                "family=mlp", "steps=4096",
                "start_steps=1024", "update_after=512", "eval_every=4096", "eval_episodes=1", "seed=3", "batch_size=16",
                "updates_per_period=16"));
        try (SequenceTrainingRun run = SequenceTrainingRun.start(c, null)) {
            // the first updates' critic loss, then the rest of the run
            SequenceConfig early = c.with(List.of("steps=640"));
            double firstLoss;
            try (SequenceTrainingRun warm = SequenceTrainingRun.start(early, null)) {
                warm.run();
                firstLoss = warm.learner().lastCriticLoss();
            }
            run.run();
            double lastLoss = run.learner().lastCriticLoss();
            assertTrue(Double.isFinite(firstLoss) && Double.isFinite(lastLoss), firstLoss + " / " + lastLoss);
            assertTrue(lastLoss < firstLoss, "critic loss should fall: first updates " + firstLoss + ", end " + lastLoss);
            double policy = 0;
            double behaviour = 0;
            for (int i = 0; i < 8; i++) {
                SequenceReplay.Batch b = run.sampleBatch(100 + i);
                policy += run.learner().meanPolicyQ(b);
                behaviour += run.learner().meanBehaviourQ(b);
            }
            assertTrue(policy > behaviour, algorithm + ": Q of the actor's actions " + policy / 8
                    + " should exceed the behaviour's " + behaviour / 8);
            if (run.learner() instanceof Sac<?> sac) {
                assertTrue(Math.abs(sac.alpha() - 0.2) > 1e-3, "the temperature is tuned, still " + sac.alpha());
                double sd = sac.standardDeviation(0);
                assertTrue(Double.isFinite(sd) && sd > 0 && Math.abs(sd - Math.exp(-0.5)) > 1e-3,
                        "the policy's spread is trained, " + sd);
                assertTrue(Double.isFinite(sac.lastLogLikelihood()));
            }
        }
    }
}
