package dev.myelin.policy.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The ANN-equivalent cost of the spiking transformer counts every weight matrix of its tensors as a dense
 * layer would: embedding, key and value once per window position; query, projection, MLP, the output
 * population (actions x population rows) and its decoder once; plus the attention's two products per position.
 */
class SpikingTransformerCostTest {

    @Test
    void annEquivalentMacsCountsEveryWeightMatrix() {
        int window = 4;
        int d = 8;
        SpikingTransformer net = SpikingTransformer.random(3, 2, window, d, 16, 5, 3, 1);
        long perPosition = 0;
        long once = 0;
        for (Tensor t : net.tensors()) {
            if (!t.name().endsWith(".weight")) {
                continue;
            }
            long macs = (long) t.shape()[0] * t.shape()[1];
            switch (t.name()) {
                case "embed.weight", "key.weight", "value.weight" -> perPosition += macs;
                default -> once += macs;
            }
        }
        assertEquals(window * perPosition + once + 2L * window * d, net.annEquivalentMacs());
    }
}
