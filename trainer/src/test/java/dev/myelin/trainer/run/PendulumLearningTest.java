package dev.myelin.trainer.run;

import dev.myelin.sim.Evaluation;
import dev.myelin.trainer.mpi.Communicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CI-sized learning runs on the pendulum swing-up: a random policy scores about -1200 to -1600, a
 * swing-up-and-balance policy above -200. The bar is a mean return >= -300 over 10 evaluation episodes.
 */
class PendulumLearningTest {
    static final double BAR = -300;

    static TrainingRun.Result train(Path dir, List<String> overrides) throws IOException {
        TrainConfig c = TrainConfig.of(TrainConfig.loadPreset("pendulum"), overrides);
        try (TrainingRun run = TrainingRun.start(c, dir, Communicator.single())) {
            TrainingRun.Result r = run.run();
            Evaluation.Summary s = run.evaluate(10);
            assertEquals(10, s.returns().length);
            assertEquals(r.evalReturn(), s.meanReturn(), 1e-9, "the run's last evaluation is these 10 episodes");
            return r;
        }
    }

    /** PopSAN's network and TD3 settings as shipped in the preset, 7000 environment steps. */
    @Test
    void td3WithPopSanActorLearnsPendulum(@TempDir Path tmp) throws IOException {
        TrainingRun.Result r = train(tmp.resolve("td3"), List.of("steps=7000", "eval_every=7000"));
        assertTrue(r.evalReturn() >= BAR, "TD3-PopSAN mean return over 10 episodes: " + r.evalReturn());
    }

    /** SAC with a spiking mean and a log-std readout, smaller layers to keep CI time down. */
    @Test
    void sacWithSpikingMeanLearnsPendulum(@TempDir Path tmp) throws IOException {
        TrainingRun.Result r = train(tmp.resolve("sac"), List.of("algorithm=sac", "steps=6000", "eval_every=6000",
                "actor.hidden=128,128", "critic.hidden=128,128"));
        assertTrue(r.evalReturn() >= BAR, "SAC-PopSAN mean return over 10 episodes: " + r.evalReturn());
    }
}
