package dev.myelin.trainer.seq;

import dev.myelin.policy.model.CubaLif;
import dev.myelin.policy.model.SpikingNetwork;
import dev.myelin.policy.model.SpikingTransformer;
import dev.myelin.policy.model.Tensor;
import dev.myelin.trainer.nn.Mlp;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.RandomStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layers of the trainer's spiking transformer ({@link TransformerActor}): sizes, the parameters under
 * the bundle's names and shapes, the weights packed transposed for the kernels, and the forward kernels
 * that training ({@link TransformerActor#forward}) and rollouts ({@link TransformerStepper}) both run, so
 * that the two compute the same bits, and the same bits as the policy module's engines. One thread.
 */
final class TransformerNet {
    final int obs;
    final int act;
    final int tok;
    final int window;
    final int d;
    final int mlp;
    final int pop;
    final int outN;
    final int steps;
    final float scale;
    final CubaLif lif;
    final float cd;
    final float vd;
    final float th;
    final float width;
    final Parameters params;

    final int embW, embB, qW, qB, kW, kB, vW, vB, pW, pB, mW, mB, oW, oB, decW, decB;
    /** Weights packed transposed, {@code [in][stride]}: input j's column is contiguous (the engines' layout). */
    final float[] embT, qT, kT, vT, pT, mT, oT;
    /** Padded output widths (strides) of the packed weights: model, MLP and output population. */
    final int dS, mS, oS;
    /** Bumped by {@link #refreshWeights()}; steppers re-run their cached tokens when it changes. */
    int version;
    /** The absent bias of the token and attention neurons. */
    final float[] zeros;

    /**
     * @param attentionScale  the factor on the spike-count scores ({@code 1/sqrt(D)} by default)
     * @param surrogateWidth  half-width of the rectangular surrogate window around the threshold
     */
    TransformerNet(int observationSize, int actionSize, int window, int modelDim, int mlpDim, int population,
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
        zeros = new float[Math.max(Math.max(d, mlp), Math.max(outN, tok))];
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

    /** Repacks the weights after the parameters changed; steppers see the new {@link #version}. */
    void refreshWeights() {
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

    long macsPerDecision() {
        // the newest token's real-valued embedding and the population decoder, as the engines count them
        return (long) tok * d + (long) act * pop;
    }

    SpikingNetwork toNetwork() {
        List<Tensor> ts = new ArrayList<>();
        for (Parameters.Slice s : params.slices()) {
            ts.add(new Tensor(s.name(), s.shape(), params.copyOf(s.name())));
        }
        return new SpikingTransformer(obs, act, window, d, mlp, pop, steps, scale, lif, ts);
    }

    // shared forward kernels (training and stepper run exactly these)

    /** Spike trains of a set of tokens: token n's values at {@code n * tok}, its trains at {@code n * T * D}. */
    final class TokenTrains {
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
    final class DecisionTrace {
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

    static final VectorSpecies<Float> LANES = FloatVector.SPECIES_256;
    static final int L = LANES.length();
    static final FloatVector ONE = FloatVector.broadcast(LANES, 1f);
    static final FloatVector ZERO = FloatVector.zero(LANES);

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
    static void project(float[] wt, int in, int stride, float[] x, int xOff, float[] acc, int[] active,
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
    void lifStep(float[] c, float[] in, int inOff, float[] bias, int biasOff, float[] v, float[] s, int off,
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
    void decide(TokenTrains tt, DecisionTrace tr, int n, float[] out, int outOff) {
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

    static void checkLength(String what, float[] a, long needed) {
        if (a == null || a.length < needed) {
            throw new IllegalArgumentException(SpikingTransformer.FAMILY + " actor: " + what + " holds "
                    + (a == null ? 0 : a.length) + " values, the pass needs " + needed);
        }
    }

    static int ones(float[] s, int off, int n) {
        int c = 0;
        for (int i = 0; i < n; i++) {
            if (s[off + i] != 0f) {
                c++;
            }
        }
        return c;
    }
}
