package dev.myelin.trainer.precision;

import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.run.CheckpointFile;
import dev.myelin.trainer.run.TrainConfig;
import dev.myelin.trainer.run.TrainingRun;
import dev.myelin.trainer.mpi.Communicator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * fp16 training (fp16 storage of weights, activations and gradients, fp32 accumulation and master weights,
 * dynamic loss scaling per optimizer) reaches the same return band on the pendulum as fp32.
 */
class MixedPrecisionTest {

    static double train(Path dir, String precision) throws IOException {
        TrainConfig c = TrainConfig.of(TrainConfig.loadPreset("pendulum"), List.of("precision=" + precision, "steps=7000",
                "eval_every=7000", "checkpoint_every=7000", "actor.hidden=128,128", "critic.hidden=128,128"));
        try (TrainingRun run = TrainingRun.start(c, dir, Communicator.single())) {
            return run.run().evalReturn();
        }
    }

    @Test
    void fp16ReachesTheSameReturnBandAsFp32(@TempDir Path tmp) throws IOException {
        double fp32 = train(tmp.resolve("fp32"), "fp32");
        double fp16 = train(tmp.resolve("fp16"), "fp16");
        assertTrue(fp32 >= -300, "fp32 mean return " + fp32);
        assertTrue(fp16 >= -300, "fp16 mean return " + fp16 + " (fp32: " + fp32 + ")");
        assertTrue(Math.abs(fp16 - fp32) <= 100, "fp16 " + fp16 + " vs fp32 " + fp32);
        // the loss scalers did their job: fp16 overflowed at some point, those steps were skipped and the
        // scale lowered; fp32 never skips and keeps a scale of 1
        CheckpointFile h = CheckpointFile.read(tmp.resolve("fp16").resolve(TrainingRun.CHECKPOINT));
        long[] actor = h.longs("count.actor_scaler");
        long[] critic = h.longs("count.critic_scaler");
        assertTrue(actor[2] + critic[2] > 0, "fp16 skipped no step: the scaler was never exercised");
        assertTrue(Float.intBitsToFloat((int) critic[0]) < 65536f, "critic scale came down from 2^16");
        CheckpointFile f = CheckpointFile.read(tmp.resolve("fp32").resolve(TrainingRun.CHECKPOINT));
        assertEquals(0, f.longs("count.actor_scaler")[2] + f.longs("count.critic_scaler")[2]);
        assertEquals(1f, Float.intBitsToFloat((int) f.longs("count.actor_scaler")[0]));
    }

    @Test
    void scalerSkipsOverflowedStepsAndRecovers() {
        Parameters p = Parameters.builder().add("w", 4).build();
        LossScaler s = new LossScaler(true, 1024f, 3);
        float[] g = p.gradients();
        g[0] = 1024f;
        g[1] = Float.POSITIVE_INFINITY;
        assertFalse(s.unscale(p, 1f), "an infinite gradient means: skip");
        assertEquals(512f, s.scale());
        assertEquals(1, s.skipped());
        for (int i = 0; i < 3; i++) {
            g[0] = 512f;
            g[1] = 0f;
            assertTrue(s.unscale(p, 0.5f));
            assertEquals(0.5f, g[0], "unscaled by scale and averaged over two ranks");
        }
        assertEquals(1024f, s.scale(), "three good steps double the scale");
        g[2] = Float.NaN;
        assertFalse(s.unscale(p, 1f));
        LossScaler fixed = new LossScaler(false, 65536f, 2000);
        assertEquals(1f, fixed.scale(), "fp32 does not scale");
    }
}
