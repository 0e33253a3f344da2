package dev.myelin.policy.engine;

import dev.myelin.policy.model.Channel;
import dev.myelin.policy.model.CubaLif;
import dev.myelin.policy.model.Normalizer;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import dev.myelin.policy.model.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Hand-computed PopSAN dynamics on a one-neuron-per-layer network (obs 1, pop 1, hidden 1, act 1). */
class PopSanEquationTest {

    static Policy chain(float hiddenWeight, float outputWeight, float decoderWeight) {
        List<Tensor> ts = List.of(
                Tensor.of("encoder.mu", new float[] {0f}, 1, 1),
                Tensor.of("encoder.sigma", new float[] {1000f}, 1, 1), // A = exp(-0.5 o^2 / 1e6) ~ 1 at o = 0
                Tensor.of("layer0.weight", new float[] {hiddenWeight}, 1, 1),
                Tensor.of("layer0.bias", new float[] {0f}, 1),
                Tensor.of("layer1.weight", new float[] {outputWeight}, 1, 1),
                Tensor.of("layer1.bias", new float[] {0f}, 1),
                Tensor.of("decoder.weight", new float[] {decoderWeight}, 1, 1),
                Tensor.of("decoder.bias", new float[] {0f}, 1));
        PopSan net = new PopSan(1, 1, 1, 1, new int[] {1}, 5, SpikeMode.DETERMINISTIC, CubaLif.POPSAN, ts);
        return new Policy(net, List.of(Channel.symmetric("x", "m", 10f)), List.of(Channel.symmetric("u", "N", 2f)),
                Normalizer.identity(1), Map.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dense", "event", "int8"})
    void everyLayerFiresEveryStepWithUnitWeights(String engineName) {
        InferenceEngine e = InferenceEngines.create(engineName, chain(1f, 1f, 0.5f));
        float[] a = new float[1];
        e.act(new float[] {0f}, a);
        // Encoder: p = 1 > 0.999 every step. Hidden: c = 1, 1.5, ...; v resets to c after a spike: always > 0.5.
        assertEquals(15, e.energy().spikes(), "5 steps x (encoder + hidden + output)");
        assertEquals(10, e.energy().synOps(), "5 steps x (1 encoder spike x fan-out 1 + 1 hidden spike x fan-out 1)");
        assertEquals(2, e.energy().macs(), "one receptive field + one decoder weight");
        assertEquals(2 * (float) Math.tanh(0.5), a[0], 1e-6f, "rate 1 -> 2 * tanh(0.5 * 1)");
        assertEquals(4.6 * 2 + 0.9 * 10, e.energy().estimatePicojoules(), 1e-9);
        assertEquals(4.6 * 2, e.energy().annEstimatePicojoules(), 1e-9);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dense", "event", "int8"})
    void subThresholdCurrentIntegratesBeforeFiring(String engineName) {
        // Hidden weight 0.3: c = 0.3, 0.45, 0.525, 0.5625, 0.58125; v = 0.3, 0.675 (spike), then v = c > 0.5.
        // Spikes at t = 1..4. Output weight 2 fires on each hidden spike: 4 spikes, rate 0.8.
        InferenceEngine e = InferenceEngines.create(engineName, chain(0.3f, 2f, 1f));
        float[] a = new float[1];
        e.act(new float[] {0f}, a);
        assertEquals(5 + 4 + 4, e.energy().spikes());
        assertEquals(5 + 4, e.energy().synOps());
        assertEquals(2 * (float) Math.tanh(0.8), a[0], 1e-6f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dense", "event", "int8"})
    void stateStartsAtZeroForEveryDecision(String engineName) {
        InferenceEngine e = InferenceEngines.create(engineName, chain(0.3f, 2f, 1f));
        float[] first = new float[1];
        float[] second = new float[1];
        e.act(new float[] {0f}, first);
        e.act(new float[] {0f}, second);
        assertEquals(first[0], second[0], 0f, "a feed-forward PopSAN decision must not depend on the previous one");
    }

    @org.junit.jupiter.api.Test
    void deterministicEncoderFollowsTheRegularSpikeRule() {
        // A = exp(-0.5 * 1^2 / 1) = 0.6065 at o = 1, mu = 0, sigma = 1: potential 0.607, 1.213 (spike, 0.214),
        // 0.820, 1.427 (spike, 0.428), 1.034 (spike): spikes at t = 1, 3, 4.
        List<Tensor> ts = List.of(
                Tensor.of("encoder.mu", new float[] {0f}, 1, 1),
                Tensor.of("encoder.sigma", new float[] {1f}, 1, 1),
                Tensor.of("layer0.weight", new float[] {0f}, 1, 1),
                Tensor.of("layer0.bias", new float[] {0f}, 1),
                Tensor.of("layer1.weight", new float[] {0f}, 1, 1),
                Tensor.of("layer1.bias", new float[] {0f}, 1),
                Tensor.of("decoder.weight", new float[] {1f}, 1, 1),
                Tensor.of("decoder.bias", new float[] {0f}, 1));
        PopSan net = new PopSan(1, 1, 1, 1, new int[] {1}, 5, SpikeMode.DETERMINISTIC, CubaLif.POPSAN, ts);
        InferenceEngine e = InferenceEngines.create("dense", Policy.withDefaults(net, Map.of()));
        e.act(new float[] {1f}, new float[1]);
        assertEquals(3, e.energy().spikes());
    }
}
