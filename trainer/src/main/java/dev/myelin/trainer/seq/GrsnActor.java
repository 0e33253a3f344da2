package dev.myelin.trainer.seq;

import dev.myelin.policy.model.Grsn;
import dev.myelin.policy.model.Tensor;
import dev.myelin.trainer.kernel.Gemm;
import dev.myelin.trainer.nn.Mlp;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.nn.Surrogate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gated recurrent spiking actor (GRSN, Qin et al. 2024) with temporal alignment: one spiking step per
 * control step, neuron state carried from step to step, the equations of the policy module's {@link Grsn}
 * and its engine. Layer l with input x (the normalised observation for l = 0, layer l-1's spikes after):
 * <pre>
 *   F = sigmoid(W_f x + b_f);  C = ReLU(W_i x + b_i);  h = F h + (1 - F) C
 *   v' = v + (h - v) / tau;    s = [v' >= threshold];   v = v' - threshold s
 *   readout: u = u + (W_o s_last + b_o - u) / tau;      action = tanh(u)
 * </pre>
 * Like the robot-side engine it reads only the normalised observation: the previous action and reward of
 * the {@link SequenceActor} inputs are accepted and ignored. Every sum is formed in the engine's order
 * (for each output, from +0, inputs in ascending order, no fused multiply-add) and every non-linearity
 * is evaluated as the engine does, so the training forward pass, the {@link Stepper} and the policy
 * module's {@code dense} and {@code event} engines on {@link #toNetwork()} compute the same bits.
 *
 * <p>Backward: full backpropagation through time over h, v and u. The spike's derivative is the
 * {@link Surrogate} at {@code v' - threshold}. By default ({@code detach_reset}) the subtractive reset is
 * treated as a constant in the backward pass, as snnTorch does: with the rectangular surrogate and threshold
 * 1, differentiating through it zeroes dv/dv' wherever the surrogate is on, cutting the membrane's path
 * through time (on position-only pendulum, 60k steps, seed 1: return -366 detached, -439 not);
 * {@code detach_reset=false} differentiates through it exactly as automatic differentiation would.
 *
 * <p>Options of {@link #create}: {@code hidden} (layer widths: list, int array, number or comma string;
 * default 64,64), {@code tau} (default 2), {@code threshold} (default 1), {@code surrogate}
 * ({@code rectangular} (default), {@code triangular}, {@code fast-sigmoid}), {@code surrogate_width}
 * (default 0.5), {@code detach_reset} (default true).
 *
 * <p>Parameters carry the bundle's names and shapes ({@link Grsn#expectedShapes()}). Training buffers grow
 * only when {@code batch * steps} grows. One thread.
 */
public final class GrsnActor implements SequenceActor {
    public static final Set<String> OPTIONS = Set.of("hidden", "tau", "threshold", "surrogate", "surrogate_width",
            "detach_reset");
    /**
     * Two layers of 64 by default: the second layer, driven by the first one's spikes, gives the readout a
     * richer history than one layer can (position-only pendulum, 10240 steps, seeds 1-3: mean return -657
     * with two layers, -996 with one).
     */
    static final int[] DEFAULT_HIDDEN = {64, 64};
    /** Expected firing rate of spiking inputs, for the initial weight scale. */
    static final float INIT_RATE = 0.25f;

    private final int obs;
    private final int act;
    private final int[] hidden;
    private final int layers;
    private final int[] in;
    private final int widest;
    private final float tau;
    private final float invTau;
    private final float threshold;
    private final Surrogate surrogate;
    private final float surrogateWidth;
    private final boolean detachReset;
    private final Parameters params;
    private final int[] gateW;
    private final int[] gateB;
    private final int[] inputW;
    private final int[] inputB;
    private final int readoutW;
    private final int readoutB;

    /** The weights the forward pass, backward pass and steppers use, refreshed from {@link #params}. */
    private final float[] w;
    /** Transposed ({@code [in][out]}) copies of the gate, input and readout matrices. */
    private final float[][] gateT;
    private final float[][] inputT;
    private final float[] readoutT;

    // forward history, rows t * batch + b
    private int capacity;
    private float[] x0 = new float[0];
    private final float[][] gate;
    private final float[][] cand;
    private final float[][] current;
    private final float[][] volt;
    private final float[][] spike;
    private float[] u = new float[0];
    private float[] action = new float[0];
    private final float[] gatePre;
    private final float[] inputPre;
    private final float[] z;
    private int batch;
    private int steps;
    private boolean forwarded;
    private long forwardSpikes;

    // backward buffers
    private float[] gSpikes = new float[0];
    private float[] gBelow = new float[0];
    private float[] gGate = new float[0];
    private float[] gInput = new float[0];
    private float[] gZ = new float[0];
    private float[] carryH = new float[0];
    private float[] carryV = new float[0];
    private final float[] gateGradT;
    private final float[] inputGradT;

    GrsnActor(int observationSize, int actionSize, int[] hidden, float tau, float threshold, Surrogate surrogate,
              float surrogateWidth, boolean detachReset) {
        if (observationSize < 1 || actionSize < 1) {
            throw new IllegalArgumentException("grsn: observation size " + observationSize + " and action size "
                    + actionSize + " must be positive");
        }
        if (hidden.length == 0) {
            throw new IllegalArgumentException("grsn: at least one hidden layer is needed");
        }
        if (!(tau >= 1f) || !Float.isFinite(tau)) {
            throw new IllegalArgumentException("grsn: tau must be >= 1, got " + tau);
        }
        if (!(threshold > 0f) || !Float.isFinite(threshold)) {
            throw new IllegalArgumentException("grsn: threshold must be positive, got " + threshold);
        }
        if (!(surrogateWidth > 0f) || !Float.isFinite(surrogateWidth)) {
            throw new IllegalArgumentException("grsn: surrogate_width must be positive, got " + surrogateWidth);
        }
        this.obs = observationSize;
        this.act = actionSize;
        this.hidden = hidden.clone();
        this.layers = hidden.length;
        this.tau = tau;
        this.invTau = 1f / tau;
        this.threshold = threshold;
        this.surrogate = surrogate;
        this.surrogateWidth = surrogateWidth;
        this.detachReset = detachReset;
        in = new int[layers];
        int wide = 0;
        Parameters.Builder b = Parameters.builder();
        for (int l = 0; l < layers; l++) {
            in[l] = l == 0 ? obs : hidden[l - 1];
            wide = Math.max(wide, hidden[l]);
        }
        widest = wide;
        // the bundle's order (Grsn.expectedShapes)
        for (Map.Entry<String, int[]> e : expectedShapes(obs, act, hidden).entrySet()) {
            b.add(e.getKey(), e.getValue());
        }
        params = b.build();
        gateW = new int[layers];
        gateB = new int[layers];
        inputW = new int[layers];
        inputB = new int[layers];
        gateT = new float[layers][];
        inputT = new float[layers][];
        gate = new float[layers][];
        cand = new float[layers][];
        current = new float[layers][];
        volt = new float[layers][];
        spike = new float[layers][];
        for (int l = 0; l < layers; l++) {
            gateW[l] = params.offset("layer" + l + ".gate.weight");
            gateB[l] = params.offset("layer" + l + ".gate.bias");
            inputW[l] = params.offset("layer" + l + ".input.weight");
            inputB[l] = params.offset("layer" + l + ".input.bias");
            gateT[l] = new float[in[l] * hidden[l]];
            inputT[l] = new float[in[l] * hidden[l]];
            gate[l] = cand[l] = current[l] = volt[l] = spike[l] = new float[0];
        }
        readoutW = params.offset("readout.weight");
        readoutB = params.offset("readout.bias");
        readoutT = new float[hidden[layers - 1] * act];
        w = new float[params.size()];
        int largest = 0;
        for (int l = 0; l < layers; l++) {
            largest = Math.max(largest, in[l] * hidden[l]);
        }
        gateGradT = new float[largest];
        inputGradT = new float[largest];
        gatePre = new float[widest];
        inputPre = new float[widest];
        z = new float[act];
    }

    private static Map<String, int[]> expectedShapes(int obs, int act, int[] hidden) {
        Map<String, int[]> shapes = new java.util.LinkedHashMap<>();
        int inw = obs;
        for (int l = 0; l < hidden.length; l++) {
            shapes.put("layer" + l + ".gate.weight", new int[] {hidden[l], inw});
            shapes.put("layer" + l + ".gate.bias", new int[] {hidden[l]});
            shapes.put("layer" + l + ".input.weight", new int[] {hidden[l], inw});
            shapes.put("layer" + l + ".input.bias", new int[] {hidden[l]});
            inw = hidden[l];
        }
        shapes.put("readout.weight", new int[] {act, inw});
        shapes.put("readout.bias", new int[] {act});
        return shapes;
    }

    /**
     * A GRSN actor initialised from {@code seed}: weights uniform +-gain/sqrt(fan_in) as {@link Grsn#random}
     * (gate gain 1, input gain 3, readout gain 1), where a spiking layer's fan-in is counted at an expected
     * firing rate of {@value #INIT_RATE} (its inputs are 0/1 spikes, mostly 0); gate biases +-0.5, input biases
     * in [0, 1] (so that candidate currents start near threshold rather than cut off by the ReLU), readout
     * bias +-0.1. At this scale both layers of a [64, 64] network fire on a fifth or more of their steps from
     * the start. Options: see the class comment.
     */
    public static SequenceActor create(int observationSize, int actionSize, Map<String, Object> options, long seed) {
        GrsnOptions o = new GrsnOptions("grsn", options, OPTIONS);
        int[] hidden = o.widths("hidden", DEFAULT_HIDDEN);
        float tau = o.finite("tau", 2f);
        float threshold = o.finite("threshold", 1f);
        Surrogate surrogate;
        try {
            surrogate = Surrogate.fromConfigName(o.text("surrogate", Surrogate.RECTANGULAR.configName()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("grsn: option surrogate: " + e.getMessage(), e);
        }
        float width = o.finite("surrogate_width", 0.5f);
        boolean detach = o.flag("detach_reset", true);
        GrsnActor a = new GrsnActor(observationSize, actionSize, hidden, tau, threshold, surrogate, width, detach);
        a.initialize(new RandomStream(seed));
        return a;
    }

    private void initialize(RandomStream rnd) {
        float[] v = params.values();
        for (int l = 0; l < layers; l++) {
            float fan = l == 0 ? in[l] : in[l] * INIT_RATE;
            Mlp.fillUniform(params, "layer" + l + ".gate.weight", 1f / (float) Math.sqrt(fan), rnd);
            Mlp.fillUniform(params, "layer" + l + ".gate.bias", 0.5f, rnd);
            Mlp.fillUniform(params, "layer" + l + ".input.weight", 3f / (float) Math.sqrt(fan), rnd);
            Mlp.fillUniform(params, "layer" + l + ".input.bias", 0.5f, rnd);
            Parameters.Slice bias = params.slice("layer" + l + ".input.bias");
            for (int i = bias.offset(); i < bias.offset() + bias.size(); i++) {
                v[i] += 0.5f;
            }
        }
        Mlp.fillUniform(params, "readout.weight", 1f / (float) Math.sqrt(hidden[layers - 1] * INIT_RATE), rnd);
        Mlp.fillUniform(params, "readout.bias", 0.1f, rnd);
        refreshWeights();
    }


    @Override
    public String family() {
        return Grsn.FAMILY;
    }

    @Override
    public int observationSize() {
        return obs;
    }

    @Override
    public int actionSize() {
        return act;
    }

    public int[] hidden() {
        return hidden.clone();
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public void refreshWeights() {
        float[] src = params.values();
        System.arraycopy(src, 0, w, 0, w.length);
        for (int l = 0; l < layers; l++) {
            Gemm.transpose(w, gateW[l], hidden[l], in[l], gateT[l], 0);
            Gemm.transpose(w, inputW[l], hidden[l], in[l], inputT[l], 0);
        }
        Gemm.transpose(w, readoutW, act, hidden[layers - 1], readoutT, 0);
    }

    /** Spikes emitted by all neurons over the last {@link #forward} (diagnostics). */
    public long lastForwardSpikes() {
        return forwardSpikes;
    }

    @Override
    public float[] forward(float[] observations, float[] previousActions, float[] previousRewards, int batch, int steps) {
        if (batch < 1 || steps < 1) {
            throw new IllegalArgumentException("grsn: batch " + batch + " and steps " + steps + " must be positive");
        }
        long rowsL = (long) batch * steps;
        if (rowsL * Math.max(Math.max(obs, act), widest) > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("grsn: batch " + batch + " x steps " + steps + " is too large");
        }
        int rows = (int) rowsL;
        if (observations == null || observations.length < rows * obs) {
            throw new IllegalArgumentException("grsn: observations hold " + (observations == null ? 0 : observations.length)
                    + " values, " + steps + " steps x " + batch + " sequences x " + obs + " need " + rows * obs);
        }
        ensure(rows, batch);
        this.batch = batch;
        this.steps = steps;
        System.arraycopy(observations, 0, x0, 0, rows * obs);
        long fired = 0;
        int last = layers - 1;
        int hl = hidden[last];
        float[] wv = w;
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                int row = t * batch + b;
                for (int l = 0; l < layers; l++) {
                    int n = hidden[l];
                    int m = in[l];
                    if (l == 0) {
                        projectReal(gateT[0], m, n, x0, row * m, gatePre);
                        projectReal(inputT[0], m, n, x0, row * m, inputPre);
                    } else {
                        projectSpikes(gateT[l], m, n, spike[l - 1], row * m, gatePre);
                        projectSpikes(inputT[l], m, n, spike[l - 1], row * m, inputPre);
                    }
                    float[] fl = gate[l];
                    float[] cl = cand[l];
                    float[] hlv = current[l];
                    float[] vl = volt[l];
                    float[] sl = spike[l];
                    int gb = gateB[l];
                    int ib = inputB[l];
                    int k0 = row * n;
                    int back = batch * n;
                    for (int i = 0; i < n; i++) {
                        int k = k0 + i;
                        float f = (float) (1.0 / (1.0 + Math.exp(-(gatePre[i] + wv[gb + i]))));
                        float c = Math.max(0f, inputPre[i] + wv[ib + i]);
                        float hPrev = 0f;
                        float vPrev = 0f;
                        if (t > 0) {
                            hPrev = hlv[k - back];
                            vPrev = sl[k - back] != 0f ? vl[k - back] - threshold : vl[k - back];
                        }
                        float h = f * hPrev + (1f - f) * c;
                        float v = vPrev + (h - vPrev) * invTau;
                        fl[k] = f;
                        cl[k] = c;
                        hlv[k] = h;
                        vl[k] = v;
                        if (v >= threshold) {
                            sl[k] = 1f;
                            fired++;
                        } else {
                            sl[k] = 0f;
                        }
                    }
                }
                projectSpikes(readoutT, hl, act, spike[last], row * hl, z);
                for (int j = 0; j < act; j++) {
                    int k = row * act + j;
                    float uPrev = t > 0 ? u[k - batch * act] : 0f;
                    float uj = uPrev + (z[j] + wv[readoutB + j] - uPrev) * invTau;
                    u[k] = uj;
                    action[k] = (float) Math.tanh(uj);
                }
            }
        }
        forwardSpikes = fired;
        forwarded = true;
        return action;
    }

    private void ensure(int rows, int batch) {
        if (rows > capacity) {
            capacity = rows;
            x0 = new float[rows * obs];
            for (int l = 0; l < layers; l++) {
                int n = rows * hidden[l];
                gate[l] = new float[n];
                cand[l] = new float[n];
                current[l] = new float[n];
                volt[l] = new float[n];
                spike[l] = new float[n];
            }
            u = new float[rows * act];
            action = new float[rows * act];
            int wideIn = Math.max(widest, obs);
            gSpikes = new float[rows * wideIn];
            gBelow = new float[rows * wideIn];
            gGate = new float[rows * widest];
            gInput = new float[rows * widest];
            gZ = new float[rows * act];
        }
        int carry = batch * Math.max(widest, act);
        if (carry > carryH.length) {
            carryH = new float[carry];
            carryV = new float[carry];
        }
    }

    /** {@code acc[i] = sum_j W[i][j] x[j]} over every input in ascending order (the engine's real-valued product). */
    static void projectReal(float[] wT, int m, int n, float[] x, int xOff, float[] acc) {
        Arrays.fill(acc, 0, n, 0f);
        for (int j = 0; j < m; j++) {
            GrsnColumns.axpy(x[xOff + j], wT, j * n, acc, 0, n);
        }
    }

    /**
     * {@code acc = W s} for a 0/1 spike vector, adding the columns of the active inputs in ascending order:
     * the same bits as the dense product (a product with 1 is exact and one with 0 leaves a sum unchanged).
     * Returns the number of spikes.
     */
    static int projectSpikes(float[] wT, int m, int n, float[] s, int sOff, float[] acc) {
        Arrays.fill(acc, 0, n, 0f);
        int count = 0;
        for (int j = 0; j < m; j++) {
            if (s[sOff + j] != 0f) {
                count++;
                GrsnColumns.add(wT, j * n, acc, 0, n);
            }
        }
        return count;
    }

    @Override
    public float[] preSquash() {
        return u;
    }

    @Override
    public void backward(float[] actionGradients, boolean preSquash) {
        if (!forwarded) {
            throw new IllegalStateException("grsn: backward called before forward");
        }
        int rows = batch * steps;
        if (actionGradients == null || actionGradients.length < rows * act) {
            throw new IllegalArgumentException("grsn: action gradients hold "
                    + (actionGradients == null ? 0 : actionGradients.length) + " values, the last forward pass produced "
                    + rows * act);
        }
        float[] grad = params.gradients();
        float decay = 1f - invTau;
        // readout: a = tanh(u), u_t = (1 - 1/tau) u_{t-1} + (z_t + b) / tau
        Arrays.fill(carryV, 0, batch * act, 0f);
        for (int t = steps - 1; t >= 0; t--) {
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < act; j++) {
                    int k = (t * batch + b) * act + j;
                    int c = b * act + j;
                    float a = action[k];
                    float gu = actionGradients[k] * (preSquash ? 1f : 1f - a * a) + carryV[c] * decay;
                    carryV[c] = gu;
                    gZ[k] = gu * invTau;
                }
            }
        }
        int last = layers - 1;
        int hl = hidden[last];
        float[] sLast = spike[last];
        for (int r = 0; r < rows; r++) {
            int sr = r * hl;
            int zr = r * act;
            // dW_o += gZ s^T over the spikes only; dL/ds = W_o^T gZ
            for (int i = 0; i < hl; i++) {
                if (sLast[sr + i] != 0f) {
                    for (int j = 0; j < act; j++) {
                        grad[readoutW + j * hl + i] += gZ[zr + j];
                    }
                }
            }
            Arrays.fill(gSpikes, sr, sr + hl, 0f);
            for (int j = 0; j < act; j++) {
                GrsnColumns.axpy(gZ[zr + j], w, readoutW + j * hl, gSpikes, sr, hl);
            }
        }
        Gemm.addColumnSums(gZ, rows, act, grad, readoutB);

        for (int l = last; l >= 0; l--) {
            int n = hidden[l];
            int m = in[l];
            layerBackward(l, rows);
            float[] x = l == 0 ? x0 : spike[l - 1];
            // weight gradients accumulated transposed ([in][out], contiguous per input) over the non-zero inputs
            Arrays.fill(gateGradT, 0, m * n, 0f);
            Arrays.fill(inputGradT, 0, m * n, 0f);
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < m; j++) {
                    float xj = x[r * m + j];
                    if (xj != 0f) {
                        GrsnColumns.axpy(xj, gGate, r * n, gateGradT, j * n, n);
                        GrsnColumns.axpy(xj, gInput, r * n, inputGradT, j * n, n);
                    }
                }
            }
            Gemm.addTransposed(gateGradT, m, n, grad, gateW[l]);
            Gemm.addTransposed(inputGradT, m, n, grad, inputW[l]);
            Gemm.addColumnSums(gGate, rows, n, grad, gateB[l]);
            Gemm.addColumnSums(gInput, rows, n, grad, inputB[l]);
            if (l > 0) {
                // dL/dx = W_f^T gGate + W_i^T gInput, row by row
                for (int r = 0; r < rows; r++) {
                    int br = r * m;
                    Arrays.fill(gBelow, br, br + m, 0f);
                    for (int i = 0; i < n; i++) {
                        GrsnColumns.axpy(gGate[r * n + i], w, gateW[l] + i * m, gBelow, br, m);
                        GrsnColumns.axpy(gInput[r * n + i], w, inputW[l] + i * m, gBelow, br, m);
                    }
                }
                float[] swap = gSpikes;
                gSpikes = gBelow;
                gBelow = swap;
            }
        }
    }


    /** Through time for layer l: from dL/ds (gSpikes) to dL/d(gate pre-activation) and dL/d(input pre-activation). */
    private void layerBackward(int l, int rows) {
        int n = hidden[l];
        float[] fl = gate[l];
        float[] cl = cand[l];
        float[] hlv = current[l];
        float[] vl = volt[l];
        float[] gs = gSpikes;
        float decay = 1f - invTau;
        float th = threshold;
        Arrays.fill(carryH, 0, batch * n, 0f);
        Arrays.fill(carryV, 0, batch * n, 0f);
        int back = batch * n;
        for (int t = steps - 1; t >= 0; t--) {
            for (int b = 0; b < batch; b++) {
                int k0 = (t * batch + b) * n;
                int c0 = b * n;
                for (int i = 0; i < n; i++) {
                    int k = k0 + i;
                    int c = c0 + i;
                    float sur = surrogate.derivative(vl[k] - th, surrogateWidth);
                    float gvPost = carryV[c];
                    // v = v' - th s(v'): dv/dv' = 1 - th s'(v') unless the reset is detached
                    float gvPre = detachReset ? gvPost + gs[k] * sur : gvPost + (gs[k] - th * gvPost) * sur;
                    float gh = carryH[c] + gvPre * invTau;
                    carryV[c] = gvPre * decay;
                    float f = fl[k];
                    float cand = cl[k];
                    float hPrev = t > 0 ? hlv[k - back] : 0f;
                    carryH[c] = gh * f;
                    gGate[k] = gh * (hPrev - cand) * f * (1f - f);
                    gInput[k] = cand > 0f ? gh * (1f - f) : 0f;
                }
            }
        }
    }


    @Override
    public Stepper stepper(int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("grsn: stepper lanes must be positive, got " + lanes);
        }
        return new GrsnStepper(lanes);
    }

    /** Real-valued work per decision as the policy module's meter counts it: layer 0's projections and the neuron updates. */
    @Override
    public long macsPerDecision() {
        long macs = 2L * obs * hidden[0];
        for (int n : hidden) {
            macs += 3L * n;
        }
        return macs;
    }

    @Override
    public Grsn toNetwork() {
        List<Tensor> ts = new ArrayList<>();
        for (Parameters.Slice s : params.slices()) {
            ts.add(new Tensor(s.name(), s.shape(), params.copyOf(s.name())));
        }
        return new Grsn(obs, act, hidden, tau, threshold, ts);
    }

    /** Per-lane state h, v (after reset), last spikes and readout u; the same arithmetic as {@link #forward}. */
    private final class GrsnStepper implements Stepper {
        private final int lanes;
        private final float[][] h;
        private final float[][] v;
        private final float[][] s;
        private final float[] uState;
        private final float[] gp = new float[widest];
        private final float[] ip = new float[widest];
        private final float[] zs = new float[act];
        private long spikes;
        private long synOps;

        GrsnStepper(int lanes) {
            this.lanes = lanes;
            h = new float[layers][];
            v = new float[layers][];
            s = new float[layers][];
            for (int l = 0; l < layers; l++) {
                h[l] = new float[lanes * hidden[l]];
                v[l] = new float[lanes * hidden[l]];
                s[l] = new float[lanes * hidden[l]];
            }
            uState = new float[lanes * act];
        }

        @Override
        public void reset(int lane) {
            if (lane < 0 || lane >= lanes) {
                throw new IllegalArgumentException("grsn: lane " + lane + " outside 0.." + (lanes - 1));
            }
            for (int l = 0; l < layers; l++) {
                int n = hidden[l];
                Arrays.fill(h[l], lane * n, (lane + 1) * n, 0f);
                Arrays.fill(v[l], lane * n, (lane + 1) * n, 0f);
                Arrays.fill(s[l], lane * n, (lane + 1) * n, 0f);
            }
            Arrays.fill(uState, lane * act, (lane + 1) * act, 0f);
        }

        @Override
        public void step(float[] observations, float[] previousActions, float[] previousRewards, float[] actionsOut) {
            if (observations.length < lanes * obs) {
                throw new IllegalArgumentException("grsn: observations hold " + observations.length + " values, "
                        + lanes + " lanes x " + obs + " need " + lanes * obs);
            }
            if (actionsOut.length < lanes * act) {
                throw new IllegalArgumentException("grsn: actionsOut holds " + actionsOut.length + " values, "
                        + lanes + " lanes x " + act + " need " + lanes * act);
            }
            float[] wv = w;
            long fired = 0;
            long ops = 0;
            int last = layers - 1;
            for (int lane = 0; lane < lanes; lane++) {
                for (int l = 0; l < layers; l++) {
                    int n = hidden[l];
                    int m = in[l];
                    if (l == 0) {
                        projectReal(gateT[0], m, n, observations, lane * m, gp);
                        projectReal(inputT[0], m, n, observations, lane * m, ip);
                    } else {
                        int active = projectSpikes(gateT[l], m, n, s[l - 1], lane * m, gp);
                        projectSpikes(inputT[l], m, n, s[l - 1], lane * m, ip);
                        ops += 2L * active * n;
                    }
                    float[] hl = h[l];
                    float[] vl = v[l];
                    float[] sl = s[l];
                    int gb = gateB[l];
                    int ib = inputB[l];
                    int k0 = lane * n;
                    for (int i = 0; i < n; i++) {
                        int k = k0 + i;
                        float f = (float) (1.0 / (1.0 + Math.exp(-(gp[i] + wv[gb + i]))));
                        float c = Math.max(0f, ip[i] + wv[ib + i]);
                        float hPrev = hl[k];
                        float vPrev = vl[k];
                        float hi = f * hPrev + (1f - f) * c;
                        float vi = vPrev + (hi - vPrev) * invTau;
                        hl[k] = hi;
                        if (vi >= threshold) {
                            sl[k] = 1f;
                            vi -= threshold;
                            fired++;
                        } else {
                            sl[k] = 0f;
                        }
                        vl[k] = vi;
                    }
                }
                int hl = hidden[last];
                int active = projectSpikes(readoutT, hl, act, s[last], lane * hl, zs);
                ops += (long) active * act;
                for (int j = 0; j < act; j++) {
                    int k = lane * act + j;
                    float uPrev = uState[k];
                    float uj = uPrev + (zs[j] + wv[readoutB + j] - uPrev) * invTau;
                    uState[k] = uj;
                    actionsOut[k] = (float) Math.tanh(uj);
                }
            }
            spikes = fired;
            synOps = ops;
        }

        @Override
        public float[] lastPreSquash() {
            return uState;
        }

        /** h, v and s of every layer, then the readout u. */
        @Override
        public float[] state() {
            float[] out = new float[stateSize()];
            int at = 0;
            for (int l = 0; l < layers; l++) {
                for (float[] part : new float[][] {h[l], v[l], s[l]}) {
                    System.arraycopy(part, 0, out, at, part.length);
                    at += part.length;
                }
            }
            System.arraycopy(uState, 0, out, at, uState.length);
            return out;
        }

        @Override
        public void restoreState(float[] state) {
            SequenceActors.checkState("grsn", state, stateSize());
            int at = 0;
            for (int l = 0; l < layers; l++) {
                for (float[] part : new float[][] {h[l], v[l], s[l]}) {
                    System.arraycopy(state, at, part, 0, part.length);
                    at += part.length;
                }
            }
            System.arraycopy(state, at, uState, 0, uState.length);
        }

        private int stateSize() {
            int n = uState.length;
            for (int l = 0; l < layers; l++) {
                n += 3 * h[l].length;
            }
            return n;
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
}
