package dev.myelin.policy.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Gated recurrent spiking network (GRSN, Qin et al. 2024) with temporal alignment: one spiking step
 * per control step, state carried between decisions until {@code reset()}.
 *
 * <p>Layer l with input x (the normalised observation for l = 0, the previous layer's spikes after):
 * <pre>
 *   F = sigmoid(W_f x + b_f)          gate
 *   C = ReLU(W_i x + b_i)             candidate current
 *   h = F * h + (1 - F) * C           gated current (persists)
 *   v = v + (h - v) / tau             LIF, tau = 2
 *   s = v >= threshold ; v = v - threshold * s   (subtractive reset, threshold 1)
 * </pre>
 * Readout: a non-spiking leaky integrator over the last layer's spikes, so that actions are smooth
 * although each step carries a single spike per neuron: {@code u = u + (W_o s_last + b_o - u) / tau},
 * {@code a = center + halfRange * tanh(u)}; u persists like the neuron state.
 * Tensors: {@code layer<l>.gate.weight/bias}, {@code layer<l>.input.weight/bias} ({@code [h, in]}, {@code [h]}),
 * {@code readout.weight [act, h_last]}, {@code readout.bias [act]}.
 */
public record Grsn(int observationSize, int actionSize, int[] hidden, float tau, float threshold,
                   List<Tensor> tensors) implements SpikingNetwork {

    public static final String FAMILY = "grsn";

    public Grsn {
        hidden = hidden.clone();
        if (!(tau >= 1f) || !Float.isFinite(tau)) {
            throw new IllegalArgumentException("grsn: tau must be >= 1, got " + tau);
        }
        if (!(threshold > 0f) || !Float.isFinite(threshold)) {
            throw new IllegalArgumentException("grsn: threshold must be positive, got " + threshold);
        }
        tensors = SpikingNetwork.checkTensors(FAMILY, shapes(observationSize, actionSize, hidden),
                SpikingNetwork.byName(tensors));
    }

    public int layerInput(int l) {
        return l == 0 ? observationSize : hidden[l - 1];
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public boolean recurrent() {
        return true;
    }

    static Map<String, int[]> shapes(int obs, int act, int[] hidden) {
        Map<String, int[]> m = new LinkedHashMap<>();
        int in = obs;
        for (int l = 0; l < hidden.length; l++) {
            m.put("layer" + l + ".gate.weight", new int[] {hidden[l], in});
            m.put("layer" + l + ".gate.bias", new int[] {hidden[l]});
            m.put("layer" + l + ".input.weight", new int[] {hidden[l], in});
            m.put("layer" + l + ".input.bias", new int[] {hidden[l]});
            in = hidden[l];
        }
        m.put("readout.weight", new int[] {act, in});
        m.put("readout.bias", new int[] {act});
        return m;
    }

    @Override
    public Map<String, int[]> expectedShapes() {
        return shapes(observationSize, actionSize, hidden);
    }

    @Override
    public Map<String, Object> hyperparameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("observation_size", observationSize);
        m.put("action_size", actionSize);
        List<Integer> h = new ArrayList<>();
        for (int x : hidden) {
            h.add(x);
        }
        m.put("hidden", h);
        m.put("tau", (double) tau);
        m.put("threshold", (double) threshold);
        return m;
    }

    static Grsn of(Map<String, Object> hp, Map<String, Tensor> tensors) {
        Hyper h = new Hyper(FAMILY, hp);
        return new Grsn(h.positiveInt("observation_size"), h.positiveInt("action_size"), h.positiveInts("hidden"),
                h.finite("tau"), h.finite("threshold"), new ArrayList<>(tensors.values()));
    }

    @Override
    public Grsn withTensors(Map<String, Tensor> replacement) {
        return new Grsn(observationSize, actionSize, hidden, tau, threshold, new ArrayList<>(replacement.values()));
    }

    @Override
    public long annEquivalentMacs() {
        // A GRU of the same widths: three gates per layer over input and hidden state.
        long macs = 0;
        int in = observationSize;
        for (int hdim : hidden) {
            macs += 3L * hdim * (in + hdim);
            in = hdim;
        }
        return macs + (long) in * actionSize;
    }

    public static Grsn random(int obs, int act, int[] hidden, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Tensor> ts = new ArrayList<>();
        int in = obs;
        for (int l = 0; l < hidden.length; l++) {
            ts.add(Init.linearWeight(rnd, "layer" + l + ".gate.weight", 1f, hidden[l], in));
            ts.add(Init.uniform(rnd, "layer" + l + ".gate.bias", 0.5f, hidden[l]));
            ts.add(Init.linearWeight(rnd, "layer" + l + ".input.weight", 3f, hidden[l], in));
            ts.add(Init.uniform(rnd, "layer" + l + ".input.bias", 0.5f, hidden[l]));
            in = hidden[l];
        }
        ts.add(Init.linearWeight(rnd, "readout.weight", 1f, act, in));
        ts.add(Init.uniform(rnd, "readout.bias", 0.1f, act));
        return new Grsn(obs, act, hidden, 2f, 1f, ts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Grsn g && observationSize == g.observationSize && actionSize == g.actionSize
                && java.util.Arrays.equals(hidden, g.hidden) && tau == g.tau && threshold == g.threshold
                && tensors.equals(g.tensors);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(observationSize, actionSize, java.util.Arrays.hashCode(hidden));
    }
}
