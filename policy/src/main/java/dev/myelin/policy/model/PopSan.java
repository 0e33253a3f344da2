package dev.myelin.policy.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Population-coded spiking actor network (PopSAN, Tang et al. 2020; also SpikeRL's actor).
 *
 * <p>Per decision, with the normalised observation o held for {@code timesteps} steps:
 * <ul>
 *   <li>encoder: neuron k of observation dimension i has receptive field
 *       {@code A = exp(-0.5 (o_i - mu_ik)^2 / sigma_ik^2)} and spikes deterministically or as Poisson
 *       ({@link SpikeMode});</li>
 *   <li>hidden and output-population layers: {@link CubaLif} neurons fed by the previous layer's spikes
 *       in the same timestep;</li>
 *   <li>decoder: firing rate {@code r = count / T} of the {@code decoderPopulation} output neurons of
 *       action j, then {@code a_j = tanh(w_j . r_j + b_j) * limit_j} (limit from the action spec).</li>
 * </ul>
 * Tensors: {@code encoder.mu, encoder.sigma [obs, encPop]}, {@code layer<i>.weight [out, in]},
 * {@code layer<i>.bias [out]} for each hidden layer and the output population (last layer, size
 * {@code act * decPop}), {@code decoder.weight [act, decPop]}, {@code decoder.bias [act]}.
 */
public record PopSan(int observationSize, int actionSize, int encoderPopulation, int decoderPopulation,
                     int[] hidden, int timesteps, SpikeMode spikeMode, CubaLif lif,
                     List<Tensor> tensors) implements SpikingNetwork {

    public static final String FAMILY = "popsan";
    /** Regular-spike threshold of the deterministic encoder. */
    public static final float ENCODER_THRESHOLD = 0.999f;

    public PopSan {
        hidden = hidden.clone();
        tensors = SpikingNetwork.checkTensors(FAMILY,
                shapes(observationSize, actionSize, encoderPopulation, decoderPopulation, hidden),
                SpikingNetwork.byName(tensors));
        if (timesteps <= 0) {
            throw new IllegalArgumentException("popsan: timesteps must be positive, got " + timesteps);
        }
        float[] sigma = SpikingNetwork.byName(tensors).get("encoder.sigma").data();
        for (int i = 0; i < sigma.length; i++) {
            if (!(Math.abs(sigma[i]) > 1e-6f)) {
                throw new IllegalArgumentException("popsan: encoder.sigma[" + i + "] = " + sigma[i] + " must be non-zero");
            }
        }
    }

    /** Number of spiking layers (hidden layers plus the output population). */
    public int layerCount() {
        return hidden.length + 1;
    }

    /** Input width of spiking layer {@code l}. */
    public int layerInput(int l) {
        return l == 0 ? observationSize * encoderPopulation : hidden[l - 1];
    }

    /** Output width of spiking layer {@code l}. */
    public int layerOutput(int l) {
        return l == hidden.length ? actionSize * decoderPopulation : hidden[l];
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
        return false;
    }

    static Map<String, int[]> shapes(int obs, int act, int encPop, int decPop, int[] hidden) {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("encoder.mu", new int[] {obs, encPop});
        m.put("encoder.sigma", new int[] {obs, encPop});
        int in = obs * encPop;
        for (int l = 0; l <= hidden.length; l++) {
            int out = l == hidden.length ? act * decPop : hidden[l];
            m.put("layer" + l + ".weight", new int[] {out, in});
            m.put("layer" + l + ".bias", new int[] {out});
            in = out;
        }
        m.put("decoder.weight", new int[] {act, decPop});
        m.put("decoder.bias", new int[] {act});
        return m;
    }

    @Override
    public Map<String, int[]> expectedShapes() {
        return shapes(observationSize, actionSize, encoderPopulation, decoderPopulation, hidden);
    }

    @Override
    public Map<String, Object> hyperparameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("observation_size", observationSize);
        m.put("action_size", actionSize);
        m.put("encoder_population", encoderPopulation);
        m.put("decoder_population", decoderPopulation);
        List<Integer> h = new ArrayList<>();
        for (int x : hidden) {
            h.add(x);
        }
        m.put("hidden", h);
        m.put("timesteps", timesteps);
        m.put("spike_mode", spikeMode.name().toLowerCase(java.util.Locale.ROOT));
        Hyper.putLif(m, lif);
        return m;
    }

    static PopSan of(Map<String, Object> hp, Map<String, Tensor> tensors) {
        Hyper h = new Hyper(FAMILY, hp);
        String mode = h.string("spike_mode");
        SpikeMode sm = switch (mode) {
            case "deterministic" -> SpikeMode.DETERMINISTIC;
            case "poisson" -> SpikeMode.POISSON;
            default -> throw new IllegalArgumentException("popsan: spike_mode must be deterministic or poisson, got " + mode);
        };
        return new PopSan(h.positiveInt("observation_size"), h.positiveInt("action_size"),
                h.positiveInt("encoder_population"), h.positiveInt("decoder_population"), h.positiveInts("hidden"),
                h.positiveInt("timesteps"), sm, h.lif(), new ArrayList<>(tensors.values()));
    }

    @Override
    public PopSan withTensors(Map<String, Tensor> replacement) {
        return new PopSan(observationSize, actionSize, encoderPopulation, decoderPopulation, hidden, timesteps,
                spikeMode, lif, new ArrayList<>(replacement.values()));
    }

    @Override
    public long annEquivalentMacs() {
        long macs = 0;
        int in = observationSize;
        for (int hdim : hidden) {
            macs += (long) in * hdim;
            in = hdim;
        }
        return macs + (long) in * actionSize;
    }

    /**
     * A freshly initialised PopSAN: means evenly over [-3, 3], sigma sqrt(0.15) (PopSAN's
     * initialisation); layer weights and biases uniform(+-1/sqrt(in)) as PyTorch's Linear initialises them.
     */
    public static PopSan random(int obs, int act, int pop, int[] hidden, int timesteps, SpikeMode mode, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Tensor> ts = new ArrayList<>();
        float[] mu = new float[obs * pop];
        float[] sigma = new float[obs * pop];
        for (int i = 0; i < obs; i++) {
            for (int k = 0; k < pop; k++) {
                mu[i * pop + k] = pop == 1 ? 0f : -3f + 6f * k / (pop - 1);
                sigma[i * pop + k] = (float) Math.sqrt(0.15);
            }
        }
        ts.add(new Tensor("encoder.mu", new int[] {obs, pop}, mu));
        ts.add(new Tensor("encoder.sigma", new int[] {obs, pop}, sigma));
        int in = obs * pop;
        for (int l = 0; l <= hidden.length; l++) {
            int out = l == hidden.length ? act * pop : hidden[l];
            ts.add(Init.linearWeight(rnd, "layer" + l + ".weight", 1f, out, in));
            ts.add(Init.uniform(rnd, "layer" + l + ".bias", 1f / (float) Math.sqrt(in), out));
            in = out;
        }
        ts.add(Init.linearWeight(rnd, "decoder.weight", 1f, act, pop));
        ts.add(Init.uniform(rnd, "decoder.bias", 1f / (float) Math.sqrt(pop), act));
        return new PopSan(obs, act, pop, pop, hidden, timesteps, mode, CubaLif.POPSAN, ts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PopSan p && observationSize == p.observationSize && actionSize == p.actionSize
                && encoderPopulation == p.encoderPopulation && decoderPopulation == p.decoderPopulation
                && java.util.Arrays.equals(hidden, p.hidden) && timesteps == p.timesteps && spikeMode == p.spikeMode
                && lif.equals(p.lif) && tensors.equals(p.tensors);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(observationSize, actionSize, timesteps, java.util.Arrays.hashCode(hidden));
    }
}
