package dev.myelin.trainer.nn;

import dev.myelin.policy.engine.FastExp;
import dev.myelin.policy.model.CubaLif;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;
import dev.myelin.policy.model.Tensor;
import dev.myelin.trainer.kernel.Gemm;
import dev.myelin.trainer.kernel.LifKernels;
import dev.myelin.trainer.kernel.Rounding;
import dev.myelin.trainer.kernel.SpikeIndex;

import java.util.Arrays;

/**
 * PopSAN's population-coded spiking actor (Tang et al. 2020) as fused CPU kernels: a batched forward
 * pass and its backward pass through time with surrogate spike gradients.
 *
 * <p>Forward, per observation (already normalised) held for T timesteps, the equations of {@link PopSan}:
 * <pre>
 *   encoder:  A = exp(-0.5 (o - mu)^2 / sigma^2);  p += A;  x = [p > 0.999];  p -= 0.999 x
 *   layer l:  c = cd c + W_l x + b_l;  v = vd v (1 - s) + c;  s = [v > th]     (state zero at t = 0)
 *   decoder:  r = (sum_t s_out) / T;  z_j = w_j . r_j + b_j
 * </pre>
 * and {@code u = tanh(z)}; the action in the channel's units is {@code center + halfRange * u}. The
 * layers are evaluated layer by layer over all timesteps at once (layer l at every t depends only on
 * layer l-1), so each synaptic product is one event-driven pass over {@code T * batch} rows that adds
 * the weight rows selected by spikes ({@link SpikeIndex}). In fp32 every sum is formed in the same order
 * as the policy module's engines, which makes this forward pass bit-identical to the {@code dense}
 * engine on an exported bundle.
 *
 * <p>Backward: the spike nonlinearity's derivative is replaced by the {@link Surrogate} (rectangular
 * window of half-width 0.5 around the threshold, as PopSAN); the encoder's spikes pass gradients straight
 * through. Gradients flow through the reset term {@code (1 - s)} and the encoder's subtraction exactly as
 * automatic differentiation of the forward equations would (see the DJL reference and its test).
 *
 * <p>Parameters: {@code encoder.mu, encoder.sigma [obs, pop]}, {@code layer<l>.weight [in, out]} (the
 * transpose of the bundle's {@code [out, in]}), {@code layer<l>.bias [out]}, {@code decoder.weight [act, pop]},
 * {@code decoder.bias [act]} and, for SAC, a log-std readout {@code log_std.weight [act, pop]},
 * {@code log_std.bias [act]} of the same output population. Buffers are sized for {@code maxBatch};
 * nothing is allocated per call. One thread.
 */
public final class PopSanActor {
    /** SAC's log-std clamp (Haarnoja et al. 2018; Spinning Up). */
    public static final float LOG_STD_MIN = -20f;
    public static final float LOG_STD_MAX = 2f;

    private final Parameters params;
    private final ActorShape shape;
    private final Rounding rounding;
    private final Surrogate surrogate;
    private final float surrogateWidth;
    private final LifKernels.Shape surrogateShape;
    private final int maxBatch;
    private final int obs;
    private final int act;
    private final int encPop;
    private final int decPop;
    private final int encSize;
    private final int timesteps;
    private final int layers;
    private final int[] in;
    private final int[] out;
    private final float cd;
    private final float vd;
    private final float th;
    private final boolean logStdHead;

    private final float[] w;
    private final int muOff;
    private final int sigmaOff;
    private final int[] wOff;
    private final int[] bOff;
    private final int decWOff;
    private final int decBOff;
    private final int stdWOff;
    private final int stdBOff;

    // forward state
    private final float[] obsIn;
    private final float[] diff;
    private final float[] activation;
    private final float[] potential;
    /** x[0] = encoder spikes, x[l] = spikes of layer l-1; each [T * batch, in[l]]. */
    private final float[][] x;
    private final SpikeIndex[] index;
    private final float[][] current;
    private final float[][] volt;
    private final float[] lastSpikes;
    private final float[] c;
    private final float[] rate;
    private final float[] z;
    private final float[] u;
    private final float[] logStd;
    private int batch;
    private long spikes;

    // backward state
    private final float[][] gSpikes;
    private final float[] gRate;
    private final float[] gEncoder;
    private final float[] gv;
    private final float[] gc;
    private final float[] transposed;
    private final float[] gWeighted;

    /**
     * @param params   holds the slices above (see {@link #declare})
     * @param shape    network sizes and neuron constants
     * @param maxBatch largest batch a forward pass will see
     */
    public PopSanActor(Parameters params, ActorShape shape, Surrogate surrogate, float surrogateWidth, int maxBatch,
                       Rounding rounding) {
        this.params = params;
        this.shape = shape;
        this.rounding = rounding;
        this.surrogate = surrogate;
        this.surrogateWidth = surrogateWidth;
        this.surrogateShape = LifKernels.Shape.valueOf(surrogate.name());
        this.maxBatch = maxBatch;
        obs = shape.observationSize();
        act = shape.actionSize();
        encPop = shape.encoderPopulation();
        decPop = shape.decoderPopulation();
        encSize = obs * encPop;
        timesteps = shape.timesteps();
        layers = shape.hidden().length + 1;
        in = new int[layers];
        out = new int[layers];
        for (int l = 0; l < layers; l++) {
            in[l] = shape.layerInput(l);
            out[l] = shape.layerOutput(l);
        }
        cd = shape.lif().currentDecay();
        vd = shape.lif().voltageDecay();
        th = shape.lif().threshold();
        logStdHead = params.has("log_std.weight");

        w = rounding == Rounding.FP32 ? params.values() : new float[params.size()];
        muOff = params.offset("encoder.mu");
        sigmaOff = params.offset("encoder.sigma");
        wOff = new int[layers];
        bOff = new int[layers];
        for (int l = 0; l < layers; l++) {
            Parameters.Slice ws = params.slice("layer" + l + ".weight");
            if (ws.dim(0) != in[l] || ws.dim(1) != out[l]) {
                throw new IllegalArgumentException("layer" + l + ".weight has shape " + Arrays.toString(ws.shape())
                        + ", expected [" + in[l] + ", " + out[l] + "]");
            }
            wOff[l] = ws.offset();
            bOff[l] = params.offset("layer" + l + ".bias");
        }
        decWOff = params.offset("decoder.weight");
        decBOff = params.offset("decoder.bias");
        stdWOff = logStdHead ? params.offset("log_std.weight") : -1;
        stdBOff = logStdHead ? params.offset("log_std.bias") : -1;

        int rows = timesteps * maxBatch;
        obsIn = new float[maxBatch * obs];
        diff = new float[maxBatch * encSize];
        activation = new float[maxBatch * encSize];
        potential = new float[maxBatch * encSize];
        x = new float[layers][];
        index = new SpikeIndex[layers];
        current = new float[layers][];
        volt = new float[layers][];
        gSpikes = new float[layers + 1][];
        int widest = 0;
        for (int l = 0; l < layers; l++) {
            x[l] = l == 0 ? new float[rows * encSize] : null;
            index[l] = new SpikeIndex(rows, in[l]);
            current[l] = new float[rows * out[l]];
            volt[l] = new float[rows * out[l]];
            widest = Math.max(widest, out[l]);
        }
        for (int l = 1; l < layers; l++) {
            x[l] = new float[rows * in[l]];
        }
        lastSpikes = new float[rows * out[layers - 1]];
        for (int l = 0; l <= layers; l++) {
            // gSpikes[0], the encoder spikes' gradient, is never formed (see encoderGradient)
            gSpikes[l] = l == 0 ? new float[0] : new float[rows * (l < layers ? in[l] : out[layers - 1])];
        }
        c = new float[maxBatch * widest];
        gv = new float[maxBatch * widest];
        gc = new float[maxBatch * widest];
        rate = new float[maxBatch * act * decPop];
        z = new float[maxBatch * act];
        u = new float[maxBatch * act];
        logStd = new float[maxBatch * act];
        gRate = new float[maxBatch * act * decPop];
        gEncoder = new float[maxBatch * encSize];
        int largest = 0;
        for (int l = 0; l < layers; l++) {
            largest = Math.max(largest, in[l] * out[l]);
        }
        transposed = new float[largest];
        gWeighted = new float[maxBatch * out[0]];
        refreshWeights();
    }

    /** Declares the actor's parameters; {@code logStdHead} adds SAC's log-std readout. */
    public static void declare(Parameters.Builder b, ActorShape s, boolean logStdHead) {
        b.add("encoder.mu", s.observationSize(), s.encoderPopulation());
        b.add("encoder.sigma", s.observationSize(), s.encoderPopulation());
        for (int l = 0; l <= s.hidden().length; l++) {
            b.add("layer" + l + ".weight", s.layerInput(l), s.layerOutput(l));
            b.add("layer" + l + ".bias", s.layerOutput(l));
        }
        b.add("decoder.weight", s.actionSize(), s.decoderPopulation());
        b.add("decoder.bias", s.actionSize());
        if (logStdHead) {
            b.add("log_std.weight", s.actionSize(), s.decoderPopulation());
            b.add("log_std.bias", s.actionSize());
        }
    }

    /**
     * PopSAN's initialisation: means evenly over [-3, 3], sigma sqrt(0.15); layers and readouts as
     * PyTorch's {@code nn.Linear} (uniform +-1/sqrt(fan_in)).
     */
    public static void initialize(Parameters p, ActorShape s, RandomStream rnd) {
        float[] v = p.values();
        int pop = s.encoderPopulation();
        int mu = p.offset("encoder.mu");
        int sigma = p.offset("encoder.sigma");
        for (int i = 0; i < s.observationSize(); i++) {
            for (int k = 0; k < pop; k++) {
                v[mu + i * pop + k] = pop == 1 ? 0f : -3f + 6f * k / (pop - 1);
                v[sigma + i * pop + k] = (float) Math.sqrt(0.15);
            }
        }
        for (int l = 0; l <= s.hidden().length; l++) {
            float bound = (float) (1.0 / Math.sqrt(s.layerInput(l)));
            Mlp.fillUniform(p, "layer" + l + ".weight", bound, rnd);
            Mlp.fillUniform(p, "layer" + l + ".bias", bound, rnd);
        }
        float bound = (float) (1.0 / Math.sqrt(s.decoderPopulation()));
        Mlp.fillUniform(p, "decoder.weight", bound, rnd);
        Mlp.fillUniform(p, "decoder.bias", bound, rnd);
        if (p.has("log_std.weight")) {
            Mlp.fillUniform(p, "log_std.weight", bound, rnd);
            Mlp.fillUniform(p, "log_std.bias", bound, rnd);
        }
    }

    /**
     * The policy module's network for these parameters: the same tensors under the bundle's names, layer
     * weights transposed to {@code [out, in]}; the log-std head (SAC's exploration) is not part of the
     * deployed policy, which acts with the mean.
     */
    public static PopSan toPopSan(Parameters p, ActorShape s) {
        java.util.List<Tensor> ts = new java.util.ArrayList<>();
        ts.add(new Tensor("encoder.mu", new int[] {s.observationSize(), s.encoderPopulation()}, p.copyOf("encoder.mu")));
        ts.add(new Tensor("encoder.sigma", new int[] {s.observationSize(), s.encoderPopulation()}, p.copyOf("encoder.sigma")));
        for (int l = 0; l <= s.hidden().length; l++) {
            int inl = s.layerInput(l);
            int outl = s.layerOutput(l);
            float[] src = p.copyOf("layer" + l + ".weight");
            float[] t = new float[src.length];
            for (int i = 0; i < inl; i++) {
                for (int j = 0; j < outl; j++) {
                    t[j * inl + i] = src[i * outl + j];
                }
            }
            ts.add(new Tensor("layer" + l + ".weight", new int[] {outl, inl}, t));
            ts.add(new Tensor("layer" + l + ".bias", new int[] {outl}, p.copyOf("layer" + l + ".bias")));
        }
        ts.add(new Tensor("decoder.weight", new int[] {s.actionSize(), s.decoderPopulation()}, p.copyOf("decoder.weight")));
        ts.add(new Tensor("decoder.bias", new int[] {s.actionSize()}, p.copyOf("decoder.bias")));
        return new PopSan(s.observationSize(), s.actionSize(), s.encoderPopulation(), s.decoderPopulation(), s.hidden(),
                s.timesteps(), SpikeMode.DETERMINISTIC, s.lif(), ts);
    }

    /** Re-reads (and rounds) the master weights; call after they change when the rounding is not fp32. */
    public void refreshWeights() {
        if (rounding != Rounding.FP32) {
            rounding.copy(params.values(), 0, w, 0, w.length);
        }
    }

    public ActorShape shape() {
        return shape;
    }

    public Parameters parameters() {
        return params;
    }

    /** The observation buffer {@code [maxBatch, obs]}: write normalised observations, then {@link #forward(int)}. */
    public float[] input() {
        return obsIn;
    }

    /**
     * Runs the first {@code batch} rows of {@link #input()}; afterwards {@link #preActivation()},
     * {@link #action()} and (SAC) {@link #logStd()} hold the results.
     */
    public void forward(int batch) {
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException("batch " + batch + " outside 1.." + maxBatch);
        }
        this.batch = batch;
        rounding.round(obsIn, 0, batch * obs);
        encode(batch);
        long fired = 0;
        for (int l = 0; l < layers; l++) {
            int rows = timesteps * batch;
            index[l].build(x[l], rows);
            fired += index[l].spikes();
            index[l].multiply(w, wOff[l], out[l], current[l], 0, out[l]);
            rounding.round(current[l], 0, rows * out[l]);
            float[] s = l + 1 < layers ? x[l + 1] : lastSpikes;
            fired += integrate(l, batch, s);
        }
        spikes = fired;
        decode(batch);
    }

    /** Receptive fields and regular spikes for all T steps, rows {@code t * batch + b} of x[0]. */
    private void encode(int batch) {
        float[] mu = w;
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < obs; i++) {
                float o = obsIn[b * obs + i];
                int pb = i * encPop;
                int ab = b * encSize + pb;
                for (int k = 0; k < encPop; k++) {
                    float d = o - mu[muOff + pb + k];
                    float sig = w[sigmaOff + pb + k];
                    float negHalfInvVar = -0.5f / (sig * sig);
                    diff[ab + k] = d;
                    activation[ab + k] = FastExp.exp(d * d * negHalfInvVar);
                }
            }
        }
        rounding.round(activation, 0, batch * encSize);
        Arrays.fill(potential, 0, batch * encSize, 0f);
        float eth = PopSan.ENCODER_THRESHOLD;
        float[] x0 = x[0];
        if (rounding == Rounding.FP32) {
            for (int t = 0; t < timesteps; t++) {
                LifKernels.regularSpikes(potential, activation, x0, t * batch * encSize, batch * encSize, eth);
            }
            return;
        }
        for (int t = 0; t < timesteps; t++) {
            int row0 = t * batch * encSize;
            for (int k = 0, n = batch * encSize; k < n; k++) {
                float p = potential[k] + activation[k];
                if (p > eth) {
                    p -= eth;
                    x0[row0 + k] = 1f;
                } else {
                    x0[row0 + k] = 0f;
                }
                potential[k] = rounding.round(p);
            }
        }
    }

    /** CUBA-LIF dynamics of layer l over all timesteps; spikes into {@code s}; returns the spike count. */
    private int integrate(int l, int batch, float[] s) {
        int n = out[l];
        int width = batch * n;
        float[] cur = current[l];
        float[] v = volt[l];
        int bo = bOff[l];
        int fired = 0;
        Arrays.fill(c, 0, width, 0f);
        if (rounding == Rounding.FP32) {
            for (int t = 0; t < timesteps; t++) {
                int row = t * width;
                int prev = row - width;
                for (int b = 0; b < batch; b++) {
                    int cb = b * n;
                    fired += LifKernels.step(c, cb, cur, row + cb, w, bo, v, s, prev + cb, v, s, row + cb, n, cd, vd, th,
                            t == 0);
                }
            }
            return fired;
        }
        for (int t = 0; t < timesteps; t++) {
            int row = t * width;
            int prev = row - width;
            for (int b = 0; b < batch; b++) {
                int cb = b * n;
                for (int j = 0; j < n; j++) {
                    int k = cb + j;
                    // c = cd c + I + b, v = vd v (1 - s) + c, in the engines' order of operations
                    float ci = cd * c[k] + cur[row + k];
                    ci = rounding.round(ci + w[bo + j]);
                    c[k] = ci;
                    float vi = (t == 0 || s[prev + k] != 0f ? 0f : vd * v[prev + k]) + ci;
                    vi = rounding.round(vi);
                    v[row + k] = vi;
                    if (vi > th) {
                        s[row + k] = 1f;
                        fired++;
                    } else {
                        s[row + k] = 0f;
                    }
                }
            }
        }
        return fired;
    }

    private void decode(int batch) {
        int last = layers - 1;
        int n = out[last];
        float invT = 1f / timesteps;
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < n; i++) {
                float count = 0f;
                for (int t = 0; t < timesteps; t++) {
                    count += lastSpikes[(t * batch + b) * n + i];
                }
                rate[b * n + i] = count * invT;
            }
        }
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < act; j++) {
                int base = b * n + j * decPop;
                float zj = w[decBOff + j];
                for (int k = 0; k < decPop; k++) {
                    zj += w[decWOff + j * decPop + k] * rate[base + k];
                }
                zj = rounding.round(zj);
                z[b * act + j] = zj;
                u[b * act + j] = (float) Math.tanh(zj);
                if (logStdHead) {
                    float ls = w[stdBOff + j];
                    for (int k = 0; k < decPop; k++) {
                        ls += w[stdWOff + j * decPop + k] * rate[base + k];
                    }
                    logStd[b * act + j] = rounding.round(ls);
                }
            }
        }
    }

    /** Decoder pre-activations z {@code [batch, act]} of the last forward (the mean, for SAC). */
    public float[] preActivation() {
        return z;
    }

    /** {@code tanh(z)} {@code [batch, act]}: the action in [-1, 1] units of each channel's range. */
    public float[] action() {
        return u;
    }

    /** SAC's raw log-std {@code [batch, act]} (before clamping to [-20, 2]); only with the log-std head. */
    public float[] logStd() {
        if (!logStdHead) {
            throw new IllegalStateException("this actor has no log-std head");
        }
        return logStd;
    }

    /** Spikes emitted by the encoder and every layer in the last forward pass. */
    public long lastSpikes() {
        return spikes;
    }

    /** Output-population firing rates {@code [batch, act * pop]} of the last forward pass. */
    public float[] rates() {
        return rate;
    }

    /**
     * Backpropagates through the last forward pass, adding parameter gradients to the parameters'
     * gradient array.
     *
     * @param gZ      loss gradient with respect to the decoder pre-activations z {@code [batch, act]}
     * @param gLogStd loss gradient with respect to the raw log-std {@code [batch, act]}, or null
     */
    public void backward(float[] gZ, float[] gLogStd) {
        backward(gZ, gLogStd, params.gradients());
    }

    /** As {@link #backward(float[], float[])}, adding the parameter gradients to {@code grad} (same layout). */
    public void backward(float[] gZ, float[] gLogStd, float[] grad) {
        int bsz = batch;
        int rows = timesteps * bsz;
        int last = layers - 1;
        int n = out[last];
        float invT = 1f / timesteps;

        // decoder: z_j = b_j + sum_k w_jk r_jk
        Arrays.fill(gRate, 0, bsz * n, 0f);
        for (int b = 0; b < bsz; b++) {
            for (int j = 0; j < act; j++) {
                float g = gZ[b * act + j];
                int base = b * n + j * decPop;
                grad[decBOff + j] += g;
                for (int k = 0; k < decPop; k++) {
                    grad[decWOff + j * decPop + k] += g * rate[base + k];
                    gRate[base + k] += g * w[decWOff + j * decPop + k];
                }
                if (gLogStd != null) {
                    float gs = gLogStd[b * act + j];
                    grad[stdBOff + j] += gs;
                    for (int k = 0; k < decPop; k++) {
                        grad[stdWOff + j * decPop + k] += gs * rate[base + k];
                        gRate[base + k] += gs * w[stdWOff + j * decPop + k];
                    }
                }
            }
        }
        rounding.round(grad, decWOff, act * decPop);
        rounding.round(grad, decBOff, act);
        if (gLogStd != null) {
            rounding.round(grad, stdWOff, act * decPop);
            rounding.round(grad, stdBOff, act);
        }
        // r = counts / T: every timestep's output spike receives gRate / T
        float[] gs = gSpikes[layers];
        for (int t = 0; t < timesteps; t++) {
            for (int k = 0, m = bsz * n; k < m; k++) {
                gs[t * m + k] = rounding.round(gRate[k] * invT);
            }
        }

        for (int l = last; l >= 0; l--) {
            float[] gOut = gSpikes[l + 1];
            float[] spikesOut = l == last ? lastSpikes : x[l + 1];
            float[] gI = current[l]; // the forward currents are no longer needed: reuse for dL/dI
            backThroughTime(l, bsz, gOut, spikesOut, gI);
            int m = out[l];
            // db_l += sum over rows of dL/dI; dW_l += X_l^T dL/dI (event-driven over input spikes)
            int bo = bOff[l];
            LifKernels.addRows(gI, 0, rows, m, grad, bo);
            rounding.round(grad, bo, m);
            index[l].multiplyTransposedInto(gI, 0, m, grad, wOff[l]);
            rounding.round(grad, wOff[l], in[l] * m);
            // dL/dX_l = dL/dI W_l^T, as a plain product with W_l transposed (the faster kernel)
            Gemm.transpose(w, wOff[l], in[l], m, transposed, 0);
            if (l > 0) {
                Gemm.product(rows, in[l], m, gI, 0, m, 1, transposed, 0, in[l], gSpikes[l], 0, in[l], false);
                rounding.round(gSpikes[l], 0, rows * in[l]);
            } else {
                encoderGradient(bsz, gI, m);
            }
        }
        backThroughEncoder(bsz, grad);
    }

    /**
     * The gradient reaching the receptive-field activations A. The encoder's straight-through chain
     * {@code gp_t = gx_t + (1 - 0.999) gp_{t+1}}, {@code gA = sum_t gp_t} makes gA a fixed weighting of
     * the spike gradients, {@code gA = sum_s c_s gx_s} with {@code c_s = sum_{k <= s} 0.001^k}; and since
     * {@code gx_s = gI_s W_0^T} is linear, {@code gA = (sum_s c_s gI_s) W_0^T}: one product over the batch
     * instead of one per timestep.
     */
    private void encoderGradient(int bsz, float[] gI, int m) {
        float a = 1f - PopSan.ENCODER_THRESHOLD;
        int width = bsz * m;
        float c = 0f;
        float power = 1f;
        for (int t = 0; t < timesteps; t++) {
            c += power;
            power *= a;
            int row = t * width;
            for (int k = 0; k < width; k++) {
                gWeighted[k] = t == 0 ? c * gI[row + k] : gWeighted[k] + c * gI[row + k];
            }
        }
        rounding.round(gWeighted, 0, width);
        Gemm.product(bsz, encSize, m, gWeighted, 0, m, 1, transposed, 0, encSize, gEncoder, 0, encSize, false);
        rounding.round(gEncoder, 0, bsz * encSize);
    }

    /**
     * Reverse-time pass of layer l's neuron equations. With gs_t the gradient arriving at s_t from the
     * next layer, going backwards from t = T-1 (where gv, gc from the future are zero):
     * <pre>
     *   gs_t' = gs_t - vd v_t gv_{t+1}                    (s_t resets v_{t+1})
     *   gv_t  = gs_t' sur(v_t - th) + vd (1 - s_t) gv_{t+1}
     *   gc_t  = gv_t + cd gc_{t+1}                        (= dL/dI_t = dL/db per step)
     * </pre>
     */
    private void backThroughTime(int l, int bsz, float[] gOut, float[] s, float[] gI) {
        int n = out[l];
        int width = bsz * n;
        float[] v = volt[l];
        Arrays.fill(gv, 0, width, 0f);
        Arrays.fill(gc, 0, width, 0f);
        if (rounding == Rounding.FP32) {
            for (int t = timesteps - 1; t >= 0; t--) {
                LifKernels.backStep(gOut, v, s, t * width, gv, gc, gI, width, cd, vd, th, surrogateShape, surrogateWidth);
            }
            return;
        }
        for (int t = timesteps - 1; t >= 0; t--) {
            int row = t * width;
            for (int k = 0; k < width; k++) {
                float vt = v[row + k];
                float st = s[row + k];
                float gvNext = gv[k];
                float gsTotal = gOut[row + k] - vt * vd * gvNext;
                float gvt = gsTotal * surrogate.derivative(vt - th, surrogateWidth) + (1f - st) * vd * gvNext;
                gvt = rounding.round(gvt);
                float gct = rounding.round(gvt + gc[k] * cd);
                gv[k] = gvt;
                gc[k] = gct;
                gI[row + k] = gct;
            }
        }
    }

    /**
     * Encoder parameters from gA (see {@link #encoderGradient}): {@code dA/dmu = A d / sigma^2},
     * {@code dA/dsigma = A d^2 / sigma^3} with {@code d = o - mu}.
     */
    private void backThroughEncoder(int bsz, float[] grad) {
        for (int b = 0; b < bsz; b++) {
            for (int q = 0; q < encSize; q++) {
                int k = b * encSize + q;
                float sig = w[sigmaOff + q];
                float d = diff[k];
                float ga = gEncoder[k] * activation[k];
                float invVar = 1f / (sig * sig);
                grad[muOff + q] += ga * d * invVar;
                grad[sigmaOff + q] += ga * d * d * invVar / sig;
            }
        }
        rounding.round(grad, muOff, encSize);
        rounding.round(grad, sigmaOff, encSize);
    }

    /**
     * FLOPs of one forward pass over {@code batch} as a dense implementation would count them (every
     * synaptic product as a dense matrix product), the figure the benchmark reports.
     */
    public long denseForwardFlops(int batch) {
        long f = 0;
        for (int l = 0; l < layers; l++) {
            f += Gemm.flops((long) timesteps * batch, out[l], in[l]);
        }
        return f + 2L * batch * act * decPop;
    }

    /** The network sizes and neuron constants. */
    public record ActorShape(int observationSize, int actionSize, int encoderPopulation, int decoderPopulation,
                             int[] hidden, int timesteps, CubaLif lif) {
        public ActorShape {
            if (observationSize < 1 || actionSize < 1 || encoderPopulation < 1 || decoderPopulation < 1 || timesteps < 1) {
                throw new IllegalArgumentException("actor sizes must be positive: obs " + observationSize + ", act "
                        + actionSize + ", populations " + encoderPopulation + "/" + decoderPopulation + ", T " + timesteps);
            }
            hidden = hidden.clone();
            for (int h : hidden) {
                if (h < 1) {
                    throw new IllegalArgumentException("hidden layer sizes must be positive, got " + Arrays.toString(hidden));
                }
            }
        }

        @Override
        public int[] hidden() {
            return hidden.clone();
        }

        public int layerInput(int l) {
            return l == 0 ? observationSize * encoderPopulation : hidden[l - 1];
        }

        public int layerOutput(int l) {
            return l == hidden.length ? actionSize * decoderPopulation : hidden[l];
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ActorShape s && observationSize == s.observationSize && actionSize == s.actionSize
                    && encoderPopulation == s.encoderPopulation && decoderPopulation == s.decoderPopulation
                    && Arrays.equals(hidden, s.hidden) && timesteps == s.timesteps && lif.equals(s.lif);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(hidden) * 31 + observationSize * 7 + actionSize;
        }
    }
}
