package dev.myelin.policy.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Spiking transformer actor over a window of the last {@code window} steps. Each step is a token
 * {@code [normalised observation, previous action / limit, previous reward]} of width
 * {@code obs + act + 1}; the window starts filled with all-zero tokens and slides by one token per decision.
 *
 * <p>Per decision, T timesteps of multi-step {@link CubaLif} neurons (state zero at the start of the decision):
 * <pre>
 *   e_k  = W_e token_k + b_e                      real-valued embedding (computed once per token)
 *   X_k  = LIF(e_k)                                spike tokens          [window, D]
 *   K_k  = LIF(W_k X_k + b_k), V_k = LIF(W_v X_k + b_v)
 *   q    = LIF(W_q X_last + b_q)                   query of the newest token only
 *   y    = LIF(scale * sum_k (q . K_k) V_k)        spiking self-attention, no softmax
 *   r    = X_last + LIF(W_p y + b_p)               residual (values 0, 1, 2)
 *   m    = LIF(W_m r + b_m)                        MLP               [M]
 *   o    = LIF(W_o m + b_o)                        output population [act * pop]
 * </pre>
 * and the PopSAN population decoder over o's spike counts.
 */
public record SpikingTransformer(int observationSize, int actionSize, int window, int modelDim, int mlpDim,
                                 int decoderPopulation, int timesteps, float attentionScale, CubaLif lif,
                                 List<Tensor> tensors) implements SpikingNetwork {

    public static final String FAMILY = "spiking-transformer";

    public SpikingTransformer {
        if (timesteps <= 0 || window <= 0) {
            throw new IllegalArgumentException("spiking-transformer: timesteps and window must be positive");
        }
        if (!(attentionScale > 0f) || !Float.isFinite(attentionScale)) {
            throw new IllegalArgumentException("spiking-transformer: attention_scale must be positive, got " + attentionScale);
        }
        tensors = SpikingNetwork.checkTensors(FAMILY,
                shapes(observationSize, actionSize, modelDim, mlpDim, decoderPopulation), SpikingNetwork.byName(tensors));
    }

    public int tokenSize() {
        return observationSize + actionSize + 1;
    }

    @Override
    public String family() {
        return FAMILY;
    }

    @Override
    public boolean recurrent() {
        return true;
    }

    static Map<String, int[]> shapes(int obs, int act, int d, int mlp, int pop) {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("embed.weight", new int[] {d, obs + act + 1});
        m.put("embed.bias", new int[] {d});
        for (String p : new String[] {"query", "key", "value", "proj"}) {
            m.put(p + ".weight", new int[] {d, d});
            m.put(p + ".bias", new int[] {d});
        }
        m.put("mlp.weight", new int[] {mlp, d});
        m.put("mlp.bias", new int[] {mlp});
        m.put("out.weight", new int[] {act * pop, mlp});
        m.put("out.bias", new int[] {act * pop});
        m.put("decoder.weight", new int[] {act, pop});
        m.put("decoder.bias", new int[] {act});
        return m;
    }

    @Override
    public Map<String, int[]> expectedShapes() {
        return shapes(observationSize, actionSize, modelDim, mlpDim, decoderPopulation);
    }

    @Override
    public Map<String, Object> hyperparameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("observation_size", observationSize);
        m.put("action_size", actionSize);
        m.put("window", window);
        m.put("model_dim", modelDim);
        m.put("mlp_dim", mlpDim);
        m.put("decoder_population", decoderPopulation);
        m.put("timesteps", timesteps);
        m.put("attention_scale", (double) attentionScale);
        Hyper.putLif(m, lif);
        return m;
    }

    static SpikingTransformer of(Map<String, Object> hp, Map<String, Tensor> tensors) {
        Hyper h = new Hyper(FAMILY, hp);
        return new SpikingTransformer(h.positiveInt("observation_size"), h.positiveInt("action_size"),
                h.positiveInt("window"), h.positiveInt("model_dim"), h.positiveInt("mlp_dim"),
                h.positiveInt("decoder_population"), h.positiveInt("timesteps"), h.finite("attention_scale"), h.lif(),
                new ArrayList<>(tensors.values()));
    }

    @Override
    public SpikingTransformer withTensors(Map<String, Tensor> replacement) {
        return new SpikingTransformer(observationSize, actionSize, window, modelDim, mlpDim, decoderPopulation,
                timesteps, attentionScale, lif, new ArrayList<>(replacement.values()));
    }

    @Override
    public long annEquivalentMacs() {
        long d = modelDim;
        long embed = (long) window * tokenSize() * d;
        long kv = 2L * window * d * d;
        long q = d * d;
        long att = 2L * window * d;
        long outputs = (long) actionSize * decoderPopulation;
        return embed + kv + q + att + d * d + (long) mlpDim * d + outputs * mlpDim + outputs;
    }

    public static SpikingTransformer random(int obs, int act, int window, int d, int mlp, int pop, int timesteps,
                                            long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Tensor> ts = new ArrayList<>();
        ts.add(Init.linearWeight(rnd, "embed.weight", 3f, d, obs + act + 1));
        ts.add(Init.uniform(rnd, "embed.bias", 0.3f, d));
        for (String p : new String[] {"query", "key", "value", "proj"}) {
            ts.add(Init.linearWeight(rnd, p + ".weight", 2f, d, d));
            ts.add(Init.uniform(rnd, p + ".bias", 0.2f, d));
        }
        ts.add(Init.linearWeight(rnd, "mlp.weight", 2f, mlp, d));
        ts.add(Init.uniform(rnd, "mlp.bias", 0.2f, mlp));
        ts.add(Init.linearWeight(rnd, "out.weight", 2f, act * pop, mlp));
        ts.add(Init.uniform(rnd, "out.bias", 0.2f, act * pop));
        ts.add(Init.linearWeight(rnd, "decoder.weight", 1f, act, pop));
        ts.add(Init.uniform(rnd, "decoder.bias", 0.1f, act));
        return new SpikingTransformer(obs, act, window, d, mlp, pop, timesteps, 1f / (float) Math.sqrt(d),
                CubaLif.POPSAN, ts);
    }
}
