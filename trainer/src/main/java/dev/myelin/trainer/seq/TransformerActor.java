package dev.myelin.trainer.seq;

import dev.myelin.policy.model.CubaLif;
import dev.myelin.policy.model.SpikingNetwork;
import dev.myelin.policy.model.SpikingTransformer;
import dev.myelin.policy.model.Tensor;
import dev.myelin.trainer.nn.Mlp;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.nn.Surrogate;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The spiking-transformer actor of {@link SpikingTransformer} over a window of the last K step tokens
 * {@code [normalised observation, previous action, previous reward]}, trained by hand-written
 * backpropagation with surrogate spike gradients. Per decision, T timesteps of {@link CubaLif} neurons
 * (state zero at the start of every decision):
 * <pre>
 *   e_k = W_e token_k + b_e;   X_k = LIF(e_k);   K_k = LIF(W_k X_k + b_k);   V_k = LIF(W_v X_k + b_v)
 *   q = LIF(W_q X_last + b_q); y = LIF(scale * sum_k (q . K_k) V_k)       no softmax
 *   r = X_last + LIF(W_p y + b_p);  m = LIF(W_m r + b_m);  o = LIF(W_o m + b_o)
 *   a_j = tanh(w_j . (n_j / T) + b_j)                                     population decoder
 * </pre>
 * A token's spike trains X, K, V depend on the token alone (constant input, state zeroed per decision),
 * so each token is run once and shared by the K decisions whose window holds it; the policy module's
 * engine recomputes them every decision and gets the same values, because every sum here is formed in
 * the engine's order (see {@code FloatSynapses}, {@code FloatLif}): in fp32 the stepper's actions equal
 * the dense and event engines' on {@link #toNetwork()}.
 *
 * <p>In training, decision t of a sequence sees tokens {@code t-K+1..t} of that sequence and all-zero
 * tokens before its start, exactly the robot's window after an episode start. Backward: the spike's
 * derivative is the trainer's {@link Surrogate#RECTANGULAR} window ({@code |v - th| < width}, width 0.5 as
 * PopSAN; written out inline in the vector kernel),
 * gradients flow through every spike (tokens, keys, values, query, attention, projection, residual, MLP,
 * output) and the reset term, as automatic differentiation of the forward equations with straight-through
 * spikes would.
 *
 * <p>Options ({@link #create}): {@code window} (K, default 8), {@code model_dim} (D, 32), {@code mlp_dim}
 * (64), {@code population} (output neurons per action, 10), {@code timesteps} (T, 5), {@code attention_scale}
 * (default {@code 1/sqrt(model_dim)}), {@code surrogate_width} (0.5). Parameters carry the bundle's names and
 * {@code [out, in]} shapes ({@link SpikingTransformer#expectedShapes()}); packed transposed copies are
 * rebuilt by {@link #refreshWeights()}. Training buffers grow to the largest batch x steps seen and are
 * reused; nothing is allocated per call after that. One thread.
 */
public final class TransformerActor implements SequenceActor {
    public static final int DEFAULT_WINDOW = 8;
    public static final int DEFAULT_MODEL_DIM = 32;
    public static final int DEFAULT_MLP_DIM = 64;
    public static final int DEFAULT_POPULATION = 10;
    public static final int DEFAULT_TIMESTEPS = 5;
    public static final float DEFAULT_SURROGATE_WIDTH = 0.5f;
    private static final Set<String> OPTIONS = Set.of("window", "model_dim", "mlp_dim", "population", "timesteps",
            "attention_scale", "surrogate_width");

    private final int obs;
    private final int act;
    private final int tok;
    private final int window;
    private final int d;
    private final int mlp;
    private final int pop;
    private final int outN;
    private final int steps;
    private final float scale;
    private final CubaLif lif;
    private final float cd;
    private final float vd;
    private final float th;
    private final float width;
    private final Parameters params;

    private final int embW, embB, qW, qB, kW, kB, vW, vB, pW, pB, mW, mB, oW, oB, decW, decB;
    /** Weights packed transposed, {@code [in][stride]}: input j's column is contiguous (the engines' layout). */
    private final float[] embT, qT, kT, vT, pT, mT, oT;
    /** Padded output widths (strides) of the packed weights: model, MLP and output population. */
    private final int dS, mS, oS;
    /** Bumped by {@link #refreshWeights()}; steppers re-run their cached tokens when it changes. */
    private int version;

    // training forward state, sized for the largest batch x steps seen
    private int batch;
    private int seqSteps;
    private TokenTrains tokens;
    private DecisionTrace trace;
    private float[] actions = new float[0];

    // backward state
    private float[] gX = new float[0];
    private float[] gK = new float[0];
    private float[] gV = new float[0];
    private final float[] gEmbT, gQT, gKT, gVT, gPT, gMT, gOT;
    private final float[] gRate;
    private final float[] gOs, gIo, gMs, gIm, gR, gIp, gYs, gAtt, gQ, gIq, gIk, gIv, gIx, ge;
    private final float[] gv, gc;
    /** The absent bias of the token and attention neurons. */
    private final float[] zeros;

    /**
     * A seeded actor; see the class comment for the option keys (unknown keys are refused, naming the known ones).
     */
    public static SequenceActor create(int observationSize, int actionSize, Map<String, Object> options, long seed) {
        Map<String, Object> o = options == null ? Map.of() : options;
        for (String k : o.keySet()) {
            if (!OPTIONS.contains(k)) {
                throw new IllegalArgumentException(SpikingTransformer.FAMILY + " actor: unknown option '" + k
                        + "' (known: " + String.join(", ", new TreeSet<>(OPTIONS)) + ")");
            }
        }
        int d = integer(o, "model_dim", DEFAULT_MODEL_DIM);
        float scale = number(o, "attention_scale", 1f / (float) Math.sqrt(d));
        return new TransformerActor(observationSize, actionSize, integer(o, "window", DEFAULT_WINDOW), d,
                integer(o, "mlp_dim", DEFAULT_MLP_DIM), integer(o, "population", DEFAULT_POPULATION),
                integer(o, "timesteps", DEFAULT_TIMESTEPS), scale, CubaLif.POPSAN,
                number(o, "surrogate_width", DEFAULT_SURROGATE_WIDTH), seed);
    }

    private static int integer(Map<String, Object> o, String key, int fallback) {
        Object v = o.get(key);
        if (v == null) {
            return fallback;
        }
        int n;
        try {
            n = v instanceof Number x ? Math.toIntExact(Math.round(x.doubleValue())) : Integer.parseInt(v.toString().trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(SpikingTransformer.FAMILY + " actor: option " + key
                    + " must be an integer, got '" + v + "'");
        }
        if ((v instanceof Number x && x.doubleValue() != n) || n < 1) {
            throw new IllegalArgumentException(SpikingTransformer.FAMILY + " actor: option " + key
                    + " must be a positive integer, got " + v);
        }
        return n;
    }

    private static float number(Map<String, Object> o, String key, float fallback) {
        Object v = o.get(key);
        if (v == null) {
            return fallback;
        }
        float f;
        try {
            f = v instanceof Number x ? x.floatValue() : Float.parseFloat(v.toString().trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(SpikingTransformer.FAMILY + " actor: option " + key
                    + " must be a number, got '" + v + "'");
        }
        if (!(f > 0f) || !Float.isFinite(f)) {
            throw new IllegalArgumentException(SpikingTransformer.FAMILY + " actor: option " + key
                    + " must be positive and finite, got " + v);
        }
        return f;
    }

    /**
     * @param attentionScale  the factor on the spike-count scores ({@code 1/sqrt(D)} by default)
     * @param surrogateWidth  half-width of the rectangular surrogate window around the threshold
     */
    public TransformerActor(int observationSize, int actionSize, int window, int modelDim, int mlpDim, int population,
                            int timesteps, float attentionScale, CubaLif lif, float surrogateWidth, long seed) {
        if (observationSize < 1 || actionSize < 1 || window < 1 || modelDim < 1 || mlpDim < 1 || population < 1
                || timesteps < 1) {
            throw new IllegalArgumentException(SpikingTransformer.FAMILY + " actor: sizes must be positive (obs "
                    + observationSize + ", act " + actionSize + ", window " + window + ", model_dim " + modelDim
                    + ", mlp_dim " + mlpDim + ", population " + population + ", timesteps " + timesteps + ")");
        }
        if (!(attentionScale > 0f) || !Float.isFinite(attentionScale)) {
            throw new IllegalArgumentException(SpikingTransformer.FAMILY + " actor: attention_scale must be positive, got "
                    + attentionScale);
        }
        if (!(surrogateWidth > 0f) || !Float.isFinite(surrogateWidth)) {
            throw new IllegalArgumentException(SpikingTransformer.FAMILY + " actor: surrogate_width must be positive, got "
                    + surrogateWidth);
        }
        obs = observationSize;
        act = actionSize;
        tok = obs + act + 1;
        this.window = window;
        d = modelDim;
        mlp = mlpDim;
        pop = population;
        outN = act * pop;
        steps = timesteps;
        scale = attentionScale;
        this.lif = lif;
        cd = lif.currentDecay();
        vd = lif.voltageDecay();
        th = lif.threshold();
        width = surrogateWidth;

        Parameters.Builder b = Parameters.builder();
        for (Map.Entry<String, int[]> e : shapes().entrySet()) {
            b.add(e.getKey(), e.getValue());
        }
        params = b.build();
        embW = params.offset("embed.weight");
        embB = params.offset("embed.bias");
        qW = params.offset("query.weight");
        qB = params.offset("query.bias");
        kW = params.offset("key.weight");
        kB = params.offset("key.bias");
        vW = params.offset("value.weight");
        vB = params.offset("value.bias");
        pW = params.offset("proj.weight");
        pB = params.offset("proj.bias");
        mW = params.offset("mlp.weight");
        mB = params.offset("mlp.bias");
        oW = params.offset("out.weight");
        oB = params.offset("out.bias");
        decW = params.offset("decoder.weight");
        decB = params.offset("decoder.bias");
        initialize(new RandomStream(seed));

        dS = padded(d);
        mS = padded(mlp);
        oS = padded(outN);
        embT = new float[tok * dS];
        qT = new float[d * dS];
        kT = new float[d * dS];
        vT = new float[d * dS];
        pT = new float[d * dS];
        mT = new float[d * mS];
        oT = new float[mlp * oS];
        gEmbT = new float[tok * d];
        gQT = new float[d * d];
        gKT = new float[d * d];
        gVT = new float[d * d];
        gPT = new float[d * d];
        gMT = new float[d * mlp];
        gOT = new float[mlp * outN];
        int widest = Math.max(Math.max(d, mlp), Math.max(outN, tok));
        gRate = new float[outN];
        gOs = new float[steps * outN];
        gIo = new float[steps * outN];
        gMs = new float[steps * mlp];
        gIm = new float[steps * mlp];
        gR = new float[steps * d];
        gIp = new float[steps * d];
        gYs = new float[steps * d];
        gAtt = new float[steps * d];
        gQ = new float[steps * d];
        gIq = new float[steps * d];
        gIk = new float[steps * d];
        gIv = new float[steps * d];
        gIx = new float[steps * d];
        ge = new float[d];
        gv = new float[widest];
        zeros = new float[widest];
        gc = new float[widest];
        refreshWeights();
    }

    /** The bundle's tensor names and shapes, in its order ({@link SpikingTransformer#expectedShapes()}). */
    private Map<String, int[]> shapes() {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("embed.weight", new int[] {d, tok});
        m.put("embed.bias", new int[] {d});
        for (String p : new String[] {"query", "key", "value", "proj"}) {
            m.put(p + ".weight", new int[] {d, d});
            m.put(p + ".bias", new int[] {d});
        }
        m.put("mlp.weight", new int[] {mlp, d});
        m.put("mlp.bias", new int[] {mlp});
        m.put("out.weight", new int[] {outN, mlp});
        m.put("out.bias", new int[] {outN});
        m.put("decoder.weight", new int[] {act, pop});
        m.put("decoder.bias", new int[] {act});
        return m;
    }

    /**
     * Uniform {@code +-gain/sqrt(fan_in)} weights (gains 3 for the embedding, 2 inside, 1 for the decoder) and
     * small uniform biases, as the policy module's random transformer, so that every layer fires at the start.
     */
    private void initialize(RandomStream rnd) {
        Mlp.fillUniform(params, "embed.weight", 3f / (float) Math.sqrt(tok), rnd);
        Mlp.fillUniform(params, "embed.bias", 0.3f, rnd);
        for (String p : new String[] {"query", "key", "value", "proj"}) {
            Mlp.fillUniform(params, p + ".weight", 2f / (float) Math.sqrt(d), rnd);
            Mlp.fillUniform(params, p + ".bias", 0.2f, rnd);
        }
        Mlp.fillUniform(params, "mlp.weight", 2f / (float) Math.sqrt(d), rnd);
        Mlp.fillUniform(params, "mlp.bias", 0.2f, rnd);
        Mlp.fillUniform(params, "out.weight", 2f / (float) Math.sqrt(mlp), rnd);
        Mlp.fillUniform(params, "out.bias", 0.2f, rnd);
        Mlp.fillUniform(params, "decoder.weight", 1f / (float) Math.sqrt(pop), rnd);
        Mlp.fillUniform(params, "decoder.bias", 0.1f, rnd);
    }


    @Override
    public String family() {
        return SpikingTransformer.FAMILY;
    }

    @Override
    public int observationSize() {
        return obs;
    }

    @Override
    public int actionSize() {
        return act;
    }

    public int window() {
        return window;
    }

    public int modelDim() {
        return d;
    }

    public int timesteps() {
        return steps;
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public void refreshWeights() {
        float[] w = params.values();
        pack(w, embW, d, tok, dS, embT);
        pack(w, qW, d, d, dS, qT);
        pack(w, kW, d, d, dS, kT);
        pack(w, vW, d, d, dS, vT);
        pack(w, pW, d, d, dS, pT);
        pack(w, mW, mlp, d, mS, mT);
        pack(w, oW, outN, mlp, oS, oT);
        version++;
    }

    /** {@code W [out, in]} at {@code off} into {@code t [in][stride]} (zeros beyond out). */
    private static void pack(float[] w, int off, int out, int in, int stride, float[] t) {
        for (int i = 0; i < out; i++) {
            for (int j = 0; j < in; j++) {
                t[j * stride + i] = w[off + i * in + j];
            }
        }
    }

    /** Adds {@code g [in][out]} into the gradient of {@code W [out, in]} at {@code off}. */
    private static void unpackAdd(float[] g, int in, int out, float[] grad, int off) {
        for (int i = 0; i < out; i++) {
            for (int j = 0; j < in; j++) {
                grad[off + i * in + j] += g[j * out + i];
            }
        }
    }

    @Override
    public long macsPerDecision() {
        // the newest token's real-valued embedding and the population decoder, as the engines count them
        return (long) tok * d + (long) act * pop;
    }

    @Override
    public SpikingNetwork toNetwork() {
        List<Tensor> ts = new ArrayList<>();
        for (Parameters.Slice s : params.slices()) {
            ts.add(new Tensor(s.name(), s.shape(), params.copyOf(s.name())));
        }
        return new SpikingTransformer(obs, act, window, d, mlp, pop, steps, scale, lif, ts);
    }

    // ---------------------------------------------------------------------------------------------
    // shared forward kernels (training and stepper run exactly these)

    /** Spike trains of a set of tokens: token n's values at {@code n * tok}, its trains at {@code n * T * D}. */
    private final class TokenTrains {
        final int capacity;
        final float[] token;
        final float[] xs, xv, ks, kv, vs, vv;
        /** Scratch: embedding, synaptic current and projection of the token being run. */
        private final float[] e, c, acc, values;
        private final int[] active;
        /** With {@code counting}: spikes of X, K, V per token and timestep, {@code [n * T + t]} (for the energy counts). */
        final int[] xCount, kCount, vCount;

        TokenTrains(int capacity, boolean counting) {
            xCount = counting ? new int[capacity * steps] : null;
            kCount = counting ? new int[capacity * steps] : null;
            vCount = counting ? new int[capacity * steps] : null;
            e = new float[dS];
            c = new float[d];
            acc = new float[dS];
            active = new int[Math.max(tok, d)];
            values = new float[Math.max(tok, d)];
            this.capacity = capacity;
            token = new float[capacity * tok];
            int n = capacity * steps * d;
            xs = new float[n];
            xv = new float[n];
            ks = new float[n];
            kv = new float[n];
            vs = new float[n];
            vv = new float[n];
        }

        /** Embeds token n and runs its token, key and value neurons for T timesteps. */
        void run(int n) {
            int to = n * tok;
            // e = W_e token + b_e, in the engine's order: the product from +0 (zero inputs add nothing), then the bias
            project(embT, tok, dS, token, to, e, active, values);
            float[] w = params.values();
            for (int i = 0; i < d; i++) {
                e[i] += w[embB + i];
            }
            int base = n * steps * d;
            Arrays.fill(c, 0f);
            for (int t = 0; t < steps; t++) {
                lifStep(c, e, 0, zeros, 0, xv, xs, base + t * d, t == 0 ? -1 : base + (t - 1) * d, d);
            }
            neurons(kT, kB, base);
            neurons(vT, vB, base);
            if (xCount != null) {
                for (int t = 0; t < steps; t++) {
                    xCount[n * steps + t] = ones(xs, base + t * d, d);
                    kCount[n * steps + t] = ones(ks, base + t * d, d);
                    vCount[n * steps + t] = ones(vs, base + t * d, d);
                }
            }
        }

        private void neurons(float[] wt, int biasOff, int base) {
            boolean key = wt == kT;
            float[] s = key ? ks : vs;
            float[] v = key ? kv : vv;
            Arrays.fill(c, 0f);
            for (int t = 0; t < steps; t++) {
                project(wt, d, dS, xs, base + t * d, acc, active, values);
                lifStep(c, acc, 0, params.values(), biasOff, v, s, base + t * d, t == 0 ? -1 : base + (t - 1) * d, d);
            }
        }
    }

    /** What the decisions of one forward pass keep for backward; decision n's rows at {@code n * T * width}. */
    private final class DecisionTrace {
        final int capacity;
        /** Token index of each window position, oldest first: {@code [n * K + p]}. */
        final int[] position;
        final float[] qs, qv, ys, yv, ps, pv, ms, mv, os, ov;
        /** Spike-count scores {@code q . K_p} per timestep: {@code [(n * T + t) * K + p]}. */
        final float[] score;
        final float[] rate;
        final float[] z;
        /** Scratch of one decision: synaptic input, the currents of q, y, P, m, o across the T timesteps, ... */
        private final float[] acc, cq, cy, cp, cm, co, attention, residual, counts, values;
        private final int[] active;

        DecisionTrace(int capacity) {
            acc = new float[Math.max(dS, Math.max(mS, oS))];
            active = new int[Math.max(d, mlp)];
            values = new float[Math.max(d, mlp)];
            cq = new float[d];
            cy = new float[d];
            cp = new float[d];
            cm = new float[mlp];
            co = new float[outN];
            attention = new float[d];
            residual = new float[d];
            counts = new float[outN];
            this.capacity = capacity;
            position = new int[capacity * window];
            int nd = capacity * steps * d;
            qs = new float[nd];
            qv = new float[nd];
            ys = new float[nd];
            yv = new float[nd];
            ps = new float[nd];
            pv = new float[nd];
            ms = new float[capacity * steps * mlp];
            mv = new float[capacity * steps * mlp];
            os = new float[capacity * steps * outN];
            ov = new float[capacity * steps * outN];
            score = new float[capacity * steps * window];
            rate = new float[capacity * outN];
            z = new float[capacity * act];
        }
    }

    private static final VectorSpecies<Float> LANES = FloatVector.SPECIES_256;
    private static final int L = LANES.length();
    private static final FloatVector ONE = FloatVector.broadcast(LANES, 1f);
    private static final FloatVector ZERO = FloatVector.zero(LANES);

    /** Output widths of the packed weights are padded with zero weights to whole vectors. */
    private static int padded(int n) {
        return (n + L - 1) / L * L;
    }

    /**
     * {@code acc[0..stride) = W x} over the non-zero inputs in ascending order from +0, as the engines' synapses:
     * for every output the same products added in the same order (lane-wise vector adds and multiplies are the
     * scalar IEEE operations; a product with 1 or 2 is exact, so binary and residual inputs match the engines'
     * column sums). {@code wt} is packed {@code [in][stride]}; {@code active}, {@code values} are scratch of length in.
     */
    private static void project(float[] wt, int in, int stride, float[] x, int xOff, float[] acc, int[] active,
                                float[] values) {
        int n = 0;
        for (int j = 0; j < in; j++) {
            float xj = x[xOff + j];
            if (xj != 0f) {
                active[n] = j;
                values[n++] = xj;
            }
        }
        int i = 0;
        for (; i + 4 * L <= stride; i += 4 * L) {
            FloatVector a0 = FloatVector.zero(LANES);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int k = 0; k < n; k++) {
                int b = active[k] * stride + i;
                float v = values[k];
                a0 = a0.add(FloatVector.fromArray(LANES, wt, b).mul(v));
                a1 = a1.add(FloatVector.fromArray(LANES, wt, b + L).mul(v));
                a2 = a2.add(FloatVector.fromArray(LANES, wt, b + 2 * L).mul(v));
                a3 = a3.add(FloatVector.fromArray(LANES, wt, b + 3 * L).mul(v));
            }
            a0.intoArray(acc, i);
            a1.intoArray(acc, i + L);
            a2.intoArray(acc, i + 2 * L);
            a3.intoArray(acc, i + 3 * L);
        }
        for (; i < stride; i += L) {
            FloatVector a0 = FloatVector.zero(LANES);
            for (int k = 0; k < n; k++) {
                a0 = a0.add(FloatVector.fromArray(LANES, wt, active[k] * stride + i).mul(values[k]));
            }
            a0.intoArray(acc, i);
        }
    }

    /**
     * One LIF timestep of n neurons in the engines' order: {@code c = cd c + I + b; v = vd v_prev (1 - s_prev) + c;
     * s = v > th}; writes v and s at {@code off}, reads the previous ones at {@code prev} (-1: zero state). Where
     * the engine skips the bias or zeroes v it adds +0 or multiplies by 0 here, which can only change the sign of
     * a zero, never a comparison with the threshold or a later sum.
     */
    private void lifStep(float[] c, float[] in, int inOff, float[] bias, int biasOff, float[] v, float[] s, int off,
                         int prev, int n) {
        final float cd = this.cd;
        final float vd = this.vd;
        final float th = this.th;
        final int bound = LANES.loopBound(n);
        int i = 0;
        if (prev < 0) {
            for (; i < bound; i += L) {
                FloatVector ci = FloatVector.fromArray(LANES, c, i).mul(cd).add(FloatVector.fromArray(LANES, in, inOff + i))
                        .add(FloatVector.fromArray(LANES, bias, biasOff + i));
                ci.intoArray(c, i);
                ci.intoArray(v, off + i);
                ZERO.blend(1f, ci.compare(VectorOperators.GT, th)).intoArray(s, off + i);
            }
            for (; i < n; i++) {
                float ci = cd * c[i] + in[inOff + i] + bias[biasOff + i];
                c[i] = ci;
                v[off + i] = ci;
                s[off + i] = ci > th ? 1f : 0f;
            }
            return;
        }
        for (; i < bound; i += L) {
            FloatVector ci = FloatVector.fromArray(LANES, c, i).mul(cd).add(FloatVector.fromArray(LANES, in, inOff + i))
                    .add(FloatVector.fromArray(LANES, bias, biasOff + i));
            ci.intoArray(c, i);
            FloatVector keep = ONE.sub(FloatVector.fromArray(LANES, s, prev + i));
            FloatVector vi = FloatVector.fromArray(LANES, v, prev + i).mul(vd).mul(keep).add(ci);
            vi.intoArray(v, off + i);
            ZERO.blend(1f, vi.compare(VectorOperators.GT, th)).intoArray(s, off + i);
        }
        for (; i < n; i++) {
            float ci = cd * c[i] + in[inOff + i] + bias[biasOff + i];
            c[i] = ci;
            float vi = vd * v[prev + i] * (1f - s[prev + i]) + ci;
            v[off + i] = vi;
            s[off + i] = vi > th ? 1f : 0f;
        }
    }

    /**
     * Decision n over the window {@code tr.position[n * K ..]} of tokens in {@code tt}; the action (in [-1, 1])
     * goes to {@code out[outOff ..]}.
     */
    private void decide(TokenTrains tt, DecisionTrace tr, int n, float[] out, int outOff) {
        final int newest = tr.position[n * window + window - 1];
        final int rowD = n * steps * d;
        final int rowM = n * steps * mlp;
        final int rowO = n * steps * outN;
        final float[] w = params.values();
        final float[] acc = tr.acc, cq = tr.cq, cy = tr.cy, cp = tr.cp, cm = tr.cm, co = tr.co;
        final float[] attention = tr.attention, residual = tr.residual, counts = tr.counts;
        Arrays.fill(counts, 0f);
        Arrays.fill(cq, 0f);
        Arrays.fill(cy, 0f);
        Arrays.fill(cp, 0f);
        Arrays.fill(cm, 0f);
        Arrays.fill(co, 0f);
        for (int t = 0; t < steps; t++) {
            int xLast = (newest * steps + t) * d;
            int at = rowD + t * d;
            int prev = t == 0 ? -1 : at - d;
            project(qT, d, dS, tt.xs, xLast, acc, tr.active, tr.values);
            lifStep(cq, acc, 0, params.values(), qB, tr.qv, tr.qs, at, prev, d);
            // spiking self-attention of the newest query over every position, no softmax
            Arrays.fill(attention, 0f);
            for (int p = 0; p < window; p++) {
                int kOff = (tr.position[n * window + p] * steps + t) * d;
                // spikes are exactly 0 or 1: the float sum of products is the integer count of coincidences
                float sc = 0f;
                for (int i = 0; i < d; i++) {
                    sc += tr.qs[at + i] * tt.ks[kOff + i];
                }
                tr.score[(n * steps + t) * window + p] = sc;
                if (sc == 0f) {
                    continue;
                }
                // the engine adds w where V spikes; adding w * 0 = +0 elsewhere leaves every sum unchanged
                float wp = scale * sc;
                for (int i = 0; i < d; i++) {
                    attention[i] += wp * tt.vs[kOff + i];
                }
            }
            lifStep(cy, attention, 0, zeros, 0, tr.yv, tr.ys, at, prev, d);
            project(pT, d, dS, tr.ys, at, acc, tr.active, tr.values);
            lifStep(cp, acc, 0, params.values(), pB, tr.pv, tr.ps, at, prev, d);
            for (int i = 0; i < d; i++) {
                residual[i] = tt.xs[xLast + i] + tr.ps[at + i];
            }
            project(mT, d, mS, residual, 0, acc, tr.active, tr.values);
            int atM = rowM + t * mlp;
            lifStep(cm, acc, 0, params.values(), mB, tr.mv, tr.ms, atM, t == 0 ? -1 : atM - mlp, mlp);
            project(oT, mlp, oS, tr.ms, atM, acc, tr.active, tr.values);
            int atO = rowO + t * outN;
            lifStep(co, acc, 0, params.values(), oB, tr.ov, tr.os, atO, t == 0 ? -1 : atO - outN, outN);
            for (int i = 0; i < outN; i++) {
                counts[i] += tr.os[atO + i];
            }
        }
        float invT = 1f / steps;
        for (int i = 0; i < outN; i++) {
            tr.rate[n * outN + i] = counts[i] * invT;
        }
        for (int j = 0; j < act; j++) {
            float zj = w[decB + j];
            int base = j * pop;
            for (int k = 0; k < pop; k++) {
                zj += w[decW + base + k] * (counts[base + k] * invT);
            }
            tr.z[n * act + j] = zj;
            out[outOff + j] = (float) Math.tanh(zj);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // training

    @Override
    public float[] forward(float[] observations, float[] previousActions, float[] previousRewards, int batch, int steps) {
        if (batch < 1 || steps < 1) {
            throw new IllegalArgumentException(SpikingTransformer.FAMILY + " actor: batch " + batch + " and steps "
                    + steps + " must be positive");
        }
        int decisions = batch * steps;
        checkLength("observations", observations, (long) decisions * obs);
        checkLength("previousActions", previousActions, (long) decisions * act);
        checkLength("previousRewards", previousRewards, decisions);
        if (tokens == null || tokens.capacity < decisions + 1) {
            tokens = new TokenTrains(decisions + 1, false);
            trace = new DecisionTrace(decisions);
            actions = new float[decisions * act];
            gX = new float[tokens.xs.length];
            gK = new float[tokens.xs.length];
            gV = new float[tokens.xs.length];
        }
        this.batch = batch;
        this.seqSteps = steps;
        // token 0 is the all-zero token that fills the window before a sequence's start; token 1 + t * B + b is step t of b
        float[] tk = tokens.token;
        Arrays.fill(tk, 0, tok, 0f);
        for (int n = 0; n < decisions; n++) {
            int to = (n + 1) * tok;
            System.arraycopy(observations, n * obs, tk, to, obs);
            System.arraycopy(previousActions, n * act, tk, to + obs, act);
            tk[to + obs + act] = previousRewards[n];
        }
        for (int n = 0; n <= decisions; n++) {
            tokens.run(n);
        }
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                int n = t * batch + b;
                for (int p = 0; p < window; p++) {
                    int step = t - (window - 1) + p;
                    trace.position[n * window + p] = step < 0 ? 0 : 1 + step * batch + b;
                }
                decide(tokens, trace, n, actions, n * act);
            }
        }
        return actions;
    }

    private static void checkLength(String what, float[] a, long needed) {
        if (a == null || a.length < needed) {
            throw new IllegalArgumentException(SpikingTransformer.FAMILY + " actor: " + what + " holds "
                    + (a == null ? 0 : a.length) + " values, the pass needs " + needed);
        }
    }

    @Override
    public float[] preSquash() {
        return trace.z;
    }

    @Override
    public void backward(float[] actionGradients, boolean preSquash) {
        if (tokens == null) {
            throw new IllegalStateException(SpikingTransformer.FAMILY + " actor: backward before forward");
        }
        int decisions = batch * seqSteps;
        checkLength("actionGradients", actionGradients, (long) decisions * act);
        int tokenCount = decisions + 1;
        int rows = tokenCount * steps * d;
        Arrays.fill(gX, 0, rows, 0f);
        Arrays.fill(gK, 0, rows, 0f);
        Arrays.fill(gV, 0, rows, 0f);
        Arrays.fill(gEmbT, 0f);
        Arrays.fill(gQT, 0f);
        Arrays.fill(gKT, 0f);
        Arrays.fill(gVT, 0f);
        Arrays.fill(gPT, 0f);
        Arrays.fill(gMT, 0f);
        Arrays.fill(gOT, 0f);
        float[] grad = params.gradients();
        float[] w = params.values();
        for (int n = 0; n < decisions; n++) {
            backDecision(n, actionGradients, preSquash, grad, w);
        }
        for (int n = 0; n < tokenCount; n++) {
            backToken(n, grad, w);
        }
        unpackAdd(gEmbT, tok, d, grad, embW);
        unpackAdd(gQT, d, d, grad, qW);
        unpackAdd(gKT, d, d, grad, kW);
        unpackAdd(gVT, d, d, grad, vW);
        unpackAdd(gPT, d, d, grad, pW);
        unpackAdd(gMT, d, mlp, grad, mW);
        unpackAdd(gOT, mlp, outN, grad, oW);
    }

    /** Decoder to query of decision n; the gradients reaching its window's X, K and V go to gX, gK, gV. */
    private void backDecision(int n, float[] gU, boolean preSquash, float[] grad, float[] w) {
        DecisionTrace tr = trace;
        TokenTrains tt = tokens;
        boolean any = false;
        for (int j = 0; j < act; j++) {
            any |= gU[n * act + j] != 0f;
        }
        if (!any) {
            return;
        }
        // a = tanh(z), z_j = b_j + w_j . rate_j, rate = counts / T
        float invT = 1f / steps;
        for (int j = 0; j < act; j++) {
            float u = actions[n * act + j];
            float gz = gU[n * act + j] * (preSquash ? 1f : 1f - u * u);
            grad[decB + j] += gz;
            int base = j * pop;
            for (int k = 0; k < pop; k++) {
                grad[decW + base + k] += gz * tr.rate[n * outN + base + k];
                gRate[base + k] = gz * w[decW + base + k];
            }
        }
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < outN; i++) {
                gOs[t * outN + i] = gRate[i] * invT;
            }
        }
        final int rowD = n * steps * d;
        final int rowM = n * steps * mlp;
        final int rowO = n * steps * outN;
        final int newest = tr.position[n * window + window - 1];
        // output layer: o = LIF(W_o m + b_o)
        lifBack(gOs, tr.ov, tr.os, rowO, outN, gIo);
        layerGrads(gIo, outN, tr.ms, rowM, mlp, null, 0, gOT, oB, grad);
        inputGrads(oW, mlp, outN, gIo, gMs, 0, false);
        // MLP: m = LIF(W_m r + b_m), r = X_last + P
        lifBack(gMs, tr.mv, tr.ms, rowM, mlp, gIm);
        layerGrads(gIm, mlp, tt.xs, newest * steps * d, d, tr.ps, rowD, gMT, mB, grad);
        inputGrads(mW, d, mlp, gIm, gR, 0, false);
        int xRow = newest * steps * d;
        for (int k = 0; k < steps * d; k++) {
            gX[xRow + k] += gR[k];
        }
        // projection: P = LIF(W_p y + b_p), whose spikes receive gR through the residual
        lifBack(gR, tr.pv, tr.ps, rowD, d, gIp);
        layerGrads(gIp, d, tr.ys, rowD, d, null, 0, gPT, pB, grad);
        inputGrads(pW, d, d, gIp, gYs, 0, false);
        // attention neurons: y = LIF(att), no bias
        lifBack(gYs, tr.yv, tr.ys, rowD, d, gAtt);
        // att_i = scale * sum_p score_p V_pi, score_p = q . K_p
        Arrays.fill(gQ, 0f);
        for (int t = 0; t < steps; t++) {
            int at = rowD + t * d;
            int ga = t * d;
            for (int p = 0; p < window; p++) {
                int pos = tr.position[n * window + p];
                int kOff = (pos * steps + t) * d;
                float sc = tr.score[(n * steps + t) * window + p];
                float gScore = 0f;
                for (int i = 0; i < d; i++) {
                    if (tt.vs[kOff + i] != 0f) {
                        gScore += gAtt[ga + i];
                    }
                }
                gScore *= scale;
                if (sc != 0f) {
                    float wp = scale * sc;
                    for (int i = 0; i < d; i++) {
                        gV[kOff + i] += wp * gAtt[ga + i];
                    }
                }
                if (gScore != 0f) {
                    for (int i = 0; i < d; i++) {
                        gQ[ga + i] += gScore * tt.ks[kOff + i];
                        gK[kOff + i] += gScore * tr.qs[at + i];
                    }
                }
            }
        }
        // query: q = LIF(W_q X_last + b_q)
        lifBack(gQ, tr.qv, tr.qs, rowD, d, gIq);
        layerGrads(gIq, d, tt.xs, xRow, d, null, 0, gQT, qB, grad);
        inputGrads(qW, d, d, gIq, gX, xRow, true);
    }

    /** Keys, values and token neurons of token n, from the gradients its decisions left in gK, gV, gX. */
    private void backToken(int n, float[] grad, float[] w) {
        TokenTrains tt = tokens;
        int row = n * steps * d;
        lifBack(gK, row, tt.kv, tt.ks, row, d, gIk);
        layerGrads(gIk, d, tt.xs, row, d, null, 0, gKT, kB, grad);
        inputGrads(kW, d, d, gIk, gX, row, true);
        lifBack(gV, row, tt.vv, tt.vs, row, d, gIv);
        layerGrads(gIv, d, tt.xs, row, d, null, 0, gVT, vB, grad);
        inputGrads(vW, d, d, gIv, gX, row, true);
        lifBack(gX, row, tt.xv, tt.xs, row, d, gIx);
        // the embedding is the same input at every timestep: de = sum_t dI_t
        Arrays.fill(ge, 0f);
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < d; i++) {
                ge[i] += gIx[t * d + i];
            }
        }
        for (int i = 0; i < d; i++) {
            grad[embB + i] += ge[i];
        }
        int to = n * tok;
        for (int j = 0; j < tok; j++) {
            float x = tt.token[to + j];
            if (x == 0f) {
                continue;
            }
            int base = j * d;
            for (int i = 0; i < d; i++) {
                gEmbT[base + i] += x * ge[i];
            }
        }
    }

    private void lifBack(float[] gs, float[] v, float[] s, int off, int n, float[] gI) {
        lifBack(gs, 0, v, s, off, n, gI);
    }

    /**
     * Reverse-time pass of n LIF neurons over T timesteps (v, s rows at {@code off}); {@code gs} holds the gradient
     * arriving at the spikes ({@code gs[gsOff + t * n + i]}); writes dL/dI_t into {@code gI [T * n]}:
     * <pre>
     *   gs_t' = gs_t - vd v_t gv_{t+1}                 (s_t resets v_{t+1})
     *   gv_t  = gs_t' sur(v_t - th) + vd (1 - s_t) gv_{t+1}
     *   gc_t  = gv_t + cd gc_{t+1}                     (= dL/dI_t)
     * </pre>
     */
    private void lifBack(float[] gs, int gsOff, float[] v, float[] s, int off, int n, float[] gI) {
        Arrays.fill(gv, 0, n, 0f);
        Arrays.fill(gc, 0, n, 0f);
        final float vd = this.vd;
        final float cd = this.cd;
        final float th = this.th;
        final float width = this.width;
        final int bound = LANES.loopBound(n);
        for (int t = steps - 1; t >= 0; t--) {
            int row = off + t * n;
            int gRow = gsOff + t * n;
            int i = 0;
            for (; i < bound; i += L) {
                FloatVector vt = FloatVector.fromArray(LANES, v, row + i);
                FloatVector st = FloatVector.fromArray(LANES, s, row + i);
                FloatVector gvNext = FloatVector.fromArray(LANES, gv, i);
                FloatVector gsTotal = FloatVector.fromArray(LANES, gs, gRow + i).sub(vt.mul(vd).mul(gvNext));
                FloatVector sur = ZERO.blend(1f, vt.sub(th).abs().compare(VectorOperators.LT, width));
                FloatVector gvt = gsTotal.mul(sur).add(ONE.sub(st).mul(vd).mul(gvNext));
                FloatVector gct = gvt.add(FloatVector.fromArray(LANES, gc, i).mul(cd));
                gvt.intoArray(gv, i);
                gct.intoArray(gc, i);
                gct.intoArray(gI, t * n + i);
            }
            for (; i < n; i++) {
                float vt = v[row + i];
                float st = s[row + i];
                float gvNext = gv[i];
                float gsTotal = gs[gRow + i] - vt * vd * gvNext;
                float sur = Math.abs(vt - th) < width ? 1f : 0f;
                float gvt = gsTotal * sur + (1f - st) * vd * gvNext;
                float gct = gvt + gc[i] * cd;
                gv[i] = gvt;
                gc[i] = gct;
                gI[t * n + i] = gct;
            }
        }
    }

    /**
     * Bias and weight gradients of a layer with {@code out} neurons whose input at timestep t is
     * {@code x[xOff + t * in ..] (+ x2[x2Off + t * in ..] when x2 is not null)}: {@code db += sum_t gI_t},
     * {@code dW^T[j] += sum_t x_j gI_t}.
     */
    private void layerGrads(float[] gI, int out, float[] x, int xOff, int in, float[] x2, int x2Off, float[] gWt,
                            int biasOff, float[] grad) {
        for (int t = 0; t < steps; t++) {
            int g = t * out;
            for (int i = 0; i < out; i++) {
                grad[biasOff + i] += gI[g + i];
            }
            for (int j = 0; j < in; j++) {
                float xj = x[xOff + t * in + j];
                if (x2 != null) {
                    xj += x2[x2Off + t * in + j];
                }
                if (xj == 0f) {
                    continue;
                }
                int base = j * out;
                for (int i = 0; i < out; i++) {
                    gWt[base + i] += xj * gI[g + i];
                }
            }
        }
    }

    /**
     * {@code gIn_t = W^T gI_t} for every timestep, as row updates {@code gIn_t += gI_t[i] W[i]} over the
     * {@code [out, in]} weights at {@code wOff} (contiguous, and skipping the many zero gradients the
     * surrogate window leaves); {@code add} keeps what {@code gIn} held, otherwise it is overwritten.
     */
    private void inputGrads(int wOff, int in, int out, float[] gI, float[] gIn, int off, boolean add) {
        float[] w = params.values();
        if (!add) {
            Arrays.fill(gIn, off, off + steps * in, 0f);
        }
        for (int t = 0; t < steps; t++) {
            int row = off + t * in;
            for (int i = 0; i < out; i++) {
                float g = gI[t * out + i];
                if (g == 0f) {
                    continue;
                }
                int base = wOff + i * in;
                for (int j = 0; j < in; j++) {
                    gIn[row + j] += g * w[base + j];
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // rollouts

    @Override
    public Stepper stepper(int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException(SpikingTransformer.FAMILY + " actor: a stepper needs at least one lane, got "
                    + lanes);
        }
        return new WindowStepper(lanes);
    }

    /**
     * Each lane keeps a ring of its last K tokens with their spike trains (the robot engine's window); a new
     * token is run once, and a lane re-runs all its tokens after the parameters changed ({@link #refreshWeights()}),
     * so every action is the one the current parameters give on the window.
     */
    private final class WindowStepper implements Stepper {
        private final int lanes;
        private final TokenTrains ring;
        private final DecisionTrace one;
        private final int[] head;
        private final int[] runWith;
        private final float[] pre;
        private long spikes;
        private long synOps;

        WindowStepper(int lanes) {
            this.lanes = lanes;
            ring = new TokenTrains(lanes * window, true);
            one = new DecisionTrace(1);
            head = new int[lanes];
            runWith = new int[lanes];
            pre = new float[lanes * act];
            for (int l = 0; l < lanes; l++) {
                reset(l);
            }
        }

        @Override
        public void reset(int lane) {
            if (lane < 0 || lane >= lanes) {
                throw new IllegalArgumentException(SpikingTransformer.FAMILY + " stepper: lane " + lane + " outside 0.."
                        + (lanes - 1));
            }
            Arrays.fill(ring.token, lane * window * tok, (lane + 1) * window * tok, 0f);
            head[lane] = 0;
            runWith[lane] = version - 1;
        }

        @Override
        public void step(float[] observations, float[] previousActions, float[] previousRewards, float[] actionsOut) {
            checkLength("observations", observations, (long) lanes * obs);
            checkLength("previousActions", previousActions, (long) lanes * act);
            checkLength("previousRewards", previousRewards, lanes);
            checkLength("actionsOut", actionsOut, (long) lanes * act);
            spikes = 0;
            synOps = 0;
            for (int l = 0; l < lanes; l++) {
                int first = l * window;
                int slot = first + head[l];
                int to = slot * tok;
                System.arraycopy(observations, l * obs, ring.token, to, obs);
                System.arraycopy(previousActions, l * act, ring.token, to + obs, act);
                ring.token[to + obs + act] = previousRewards[l];
                if (runWith[l] != version) {
                    for (int k = 0; k < window; k++) {
                        ring.run(first + k);
                    }
                    runWith[l] = version;
                } else {
                    ring.run(slot);
                }
                head[l] = (head[l] + 1) % window;
                for (int p = 0; p < window; p++) {
                    one.position[p] = first + (head[l] + p) % window;
                }
                decide(ring, one, 0, actionsOut, l * act);
                System.arraycopy(one.z, 0, pre, l * act, act);
                count();
            }
        }

        @Override
        public float[] lastPreSquash() {
            return pre;
        }

        /** Every lane's window of step tokens, then its ring position; spike trains are recomputed from the tokens. */
        @Override
        public float[] state() {
            int tokens = lanes * window * tok;
            float[] out = new float[tokens + lanes];
            System.arraycopy(ring.token, 0, out, 0, tokens);
            for (int l = 0; l < lanes; l++) {
                out[tokens + l] = head[l];
            }
            return out;
        }

        @Override
        public void restoreState(float[] state) {
            int tokens = lanes * window * tok;
            SequenceActors.checkState(SpikingTransformer.FAMILY, state, tokens + lanes);
            for (int l = 0; l < lanes; l++) {
                float at = state[tokens + l];
                if (!(at >= 0 && at < window && at == Math.rint(at))) {
                    throw new IllegalArgumentException(SpikingTransformer.FAMILY + " stepper: saved ring position " + at
                            + " of lane " + l + " is not in 0.." + (window - 1));
                }
            }
            System.arraycopy(state, 0, ring.token, 0, tokens);
            for (int l = 0; l < lanes; l++) {
                head[l] = (int) state[tokens + l];
                runWith[l] = version - 1;
            }
        }

        /** Spikes and synaptic operations of the decision in {@code one}, counted as the policy module's engines do. */
        private void count() {
            int newest = one.position[window - 1];
            for (int t = 0; t < steps; t++) {
                int xNew = ring.xCount[newest * steps + t];
                for (int p = 0; p < window; p++) {
                    int at = one.position[p] * steps + t;
                    int x = ring.xCount[at];
                    spikes += x + ring.kCount[at] + ring.vCount[at];
                    synOps += 2L * x * d;
                }
                synOps += (long) xNew * d;
                int at = t * d;
                int querySpikes = ones(one.qs, at, d);
                spikes += querySpikes;
                for (int p = 0; p < window; p++) {
                    synOps += querySpikes;
                    if (one.score[t * window + p] != 0f) {
                        synOps += ring.vCount[one.position[p] * steps + t];
                    }
                }
                int y = ones(one.ys, at, d);
                spikes += y;
                synOps += (long) y * d;
                spikes += ones(one.ps, at, d);
                int activeR = 0;
                int xOff = (newest * steps + t) * d;
                for (int i = 0; i < d; i++) {
                    if (ring.xs[xOff + i] + one.ps[at + i] != 0f) {
                        activeR++;
                    }
                }
                synOps += (long) activeR * mlp;
                int m = ones(one.ms, t * mlp, mlp);
                spikes += m;
                synOps += (long) m * outN;
                spikes += ones(one.os, t * outN, outN);
            }
        }

        @Override
        public long lastSpikes() {
            return spikes;
        }

        @Override
        public long lastSynOps() {
            return synOps;
        }
    }

    private static int ones(float[] s, int off, int n) {
        int c = 0;
        for (int i = 0; i < n; i++) {
            if (s[off + i] != 0f) {
                c++;
            }
        }
        return c;
    }
}
