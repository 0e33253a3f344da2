package dev.myelin.policy.compress;

import dev.myelin.policy.model.Grsn;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import dev.myelin.policy.model.SpikingNetwork;
import dev.myelin.policy.model.SpikingTransformer;
import dev.myelin.policy.model.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompressionTest {

    static List<SpikingNetwork> networks() {
        return List.of(PopSan.random(4, 2, 3, new int[] {8, 6}, 3, SpikeMode.DETERMINISTIC, 1),
                Grsn.random(4, 2, new int[] {8, 6}, 1),
                SpikingTransformer.random(4, 2, 3, 8, 12, 3, 3, 1));
    }

    @Test
    void onlyHiddenWeightMatricesAreCompressible() {
        List<String> compressible = new ArrayList<>();
        for (SpikingNetwork n : networks()) {
            for (Tensor t : n.tensors()) {
                if (Compression.isCompressible(t)) {
                    compressible.add(n.family() + ":" + t.name());
                }
            }
        }
        assertEquals(List.of("popsan:layer0.weight", "popsan:layer1.weight", "popsan:layer2.weight",
                "grsn:layer0.gate.weight", "grsn:layer0.input.weight", "grsn:layer1.gate.weight",
                "grsn:layer1.input.weight", "grsn:readout.weight",
                "spiking-transformer:embed.weight", "spiking-transformer:query.weight", "spiking-transformer:key.weight",
                "spiking-transformer:value.weight", "spiking-transformer:proj.weight", "spiking-transformer:mlp.weight",
                "spiking-transformer:out.weight"), compressible);
        assertFalse(Compression.isCompressible("decoder.weight", 2));
        assertFalse(Compression.isCompressible("layer0.weight", 1));
        assertFalse(Compression.isCompressible("encoder.mu", 2));
    }

    @Test
    void applyChangesOnlyCompressibleTensors() {
        for (SpikingNetwork n : networks()) {
            Policy p = Policy.withDefaults(n, Map.of("seed", 1));
            for (Precision precision : Precision.values()) {
                Policy c = Compression.apply(p, precision, 0.4);
                assertEquals(p.observations(), c.observations());
                assertEquals(p.normalizer(), c.normalizer());
                assertEquals(p.provenance(), c.provenance());
                for (Tensor t : n.tensors()) {
                    Tensor after = c.network().tensor(t.name());
                    if (Compression.isCompressible(t)) {
                        assertNotEquals(t, after, t.name());
                        assertTrue(Compression.weightSparsity(c.network()) >= 0.4 - 0.02);
                    } else {
                        assertArrayEquals(t.data(), after.data(), t.name());
                    }
                }
            }
        }
    }

    @Test
    void fp32WithoutPruningIsTheIdentity() {
        for (SpikingNetwork n : networks()) {
            Policy p = Policy.withDefaults(n, Map.of());
            assertEquals(p, Compression.apply(p, Precision.FP32, 0.0));
            for (Tensor t : n.tensors()) {
                if (!Compression.isCompressible(t)) {
                    assertSame(t, Compression.compress(t, Precision.INT8, 0.5), t.name());
                }
            }
        }
    }

    @Test
    void precisionNamesRoundTrip() {
        for (Precision p : Precision.values()) {
            assertEquals(p, Precision.fromManifestName(p.manifestName()));
        }
        assertEquals("int8", Precision.INT8.manifestName());
    }
}
