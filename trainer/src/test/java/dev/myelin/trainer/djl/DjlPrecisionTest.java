package dev.myelin.trainer.djl;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.myelin.policy.model.CubaLif;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.PopSanActor;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.nn.Surrogate;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bf16 through DJL on the CPU is refused before it can abort the JVM; fp16 graphs train like fp32 ones. */
class DjlPrecisionTest {

    @Test
    void bf16OnTheCpuIsRefusedWithAReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DjlPrecision.computeType("bf16", Device.cpu()));
        assertTrue(e.getMessage().contains("bf16") && e.getMessage().contains("CPU"), e.getMessage());
        PopSanActor.ActorShape shape = new PopSanActor.ActorShape(2, 1, 4, 4, new int[] {8}, 3, CubaLif.POPSAN);
        assertThrows(IllegalArgumentException.class,
                () -> new DjlPopSanGraph(shape, Surrogate.RECTANGULAR, 0.5f, Device.cpu(), DataType.BFLOAT16));
        assertEquals(DataType.FLOAT16, DjlPrecision.computeType("fp16", Device.cpu()));
        assertEquals(DataType.FLOAT32, DjlPrecision.computeType("FP32", Device.cpu()));
        assertThrows(IllegalArgumentException.class, () -> DjlPrecision.computeType("fp8", Device.cpu()));
    }

    @Test
    void fp16GraphGradientsPointWhereFp32OnesDo() {
        PopSanActor.ActorShape shape = new PopSanActor.ActorShape(3, 2, 10, 10, new int[] {64, 64}, 5, CubaLif.POPSAN);
        Parameters.Builder b = Parameters.builder();
        PopSanActor.declare(b, shape, false);
        Parameters p = b.build();
        PopSanActor.initialize(p, shape, new RandomStream(1));
        int batch = 32;
        SplittableRandom r = new SplittableRandom(2);
        float[] o = new float[batch * 3];
        float[] gz = new float[batch * 2];
        for (int i = 0; i < o.length; i++) {
            o[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < gz.length; i++) {
            gz[i] = (float) r.nextGaussian();
        }
        float[] g32;
        float[] g16;
        try (DjlPopSanGraph fp32 = new DjlPopSanGraph(shape, Surrogate.RECTANGULAR, 0.5f, Device.cpu());
             DjlPopSanGraph fp16 = new DjlPopSanGraph(shape, Surrogate.RECTANGULAR, 0.5f, Device.cpu(),
                     DjlPrecision.computeType("fp16", Device.cpu()))) {
            g32 = fp32.run(p, o, batch, gz, null).gradients();
            g16 = fp16.run(p, o, batch, gz, null).gradients();
        }
        double dot = 0;
        double n32 = 0;
        double n16 = 0;
        for (int i = 0; i < g32.length; i++) {
            dot += (double) g32[i] * g16[i];
            n32 += (double) g32[i] * g32[i];
            n16 += (double) g16[i] * g16[i];
        }
        double cosine = dot / Math.sqrt(n32 * n16);
        assertTrue(n32 > 0 && cosine > 0.9, "cosine similarity of fp16 and fp32 gradients: " + cosine);
    }
}
