package dev.myelin.trainer.seq;

import dev.myelin.policy.model.SpikingNetwork;
import dev.myelin.trainer.kernel.Gemm;
import dev.myelin.trainer.nn.Mlp;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.RandomStream;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * The non-spiking recurrent baseline: stacked GRU cells (PyTorch's gate order and equations) and a linear
 * head squashed by tanh,
 * <pre>
 *   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
 *   z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
 *   h = (1 - z) * n + z * h
 *   action = tanh(W_o h_last + b_o)
 * </pre>
 * with state carried from step to step. By default the input is the normalised observation only, as the
 * GRSN actor's; {@code previous_action_reward} appends the previous action and reward.
 *
 * <p>Options of {@link #create}: {@code hidden} (layer widths: list, int array, number or comma string;
 * default 64), {@code previous_action_reward} (default false).
 *
 * <p>Parameters: {@code gru<l>.weight_ih [3h, in]}, {@code gru<l>.weight_hh [3h, h]}, {@code gru<l>.bias_ih [3h]},
 * {@code gru<l>.bias_hh [3h]} (rows r, z, n), {@code head.weight [act, h]}, {@code head.bias [act]}.
 * Backward is backpropagation through time written out by hand. Training buffers grow only when
 * {@code batch * steps} grows; the stepper allocates nothing. One thread.
 */
public final class GruActor implements SequenceActor {
    public static final String FAMILY = "gru";
    public static final Set<String> OPTIONS = Set.of("hidden", "previous_action_reward");
    public static final int DEFAULT_WIDTH = 64;

    private final int obs;
    private final int act;
    private final int[] hidden;
    private final int layers;
    private final int[] in;
    private final int widest;
    private final boolean previousActionReward;
    private final Parameters params;
    private final int[] wih;
    private final int[] whh;
    private final int[] bih;
    private final int[] bhh;
    private final int headW;
    private final int headB;
    /** The weights the passes and steppers use, refreshed from {@link #params}. */
    private final float[] w;
    /** Transposed ({@code [in][out]}) copies of the input, recurrent and head matrices. */
    private final float[][] wihT;
    private final float[][] whhT;
    private final float[] headT;
    /** Scratch for transposed weight-gradient accumulation. */
    private final float[] gradT;

    // forward history, rows t * batch + b
    private int capacity;
    private float[] x0 = new float[0];
    private final float[][] reset;
    private final float[][] update;
    private final float[][] cand;
    private final float[][] hiddenPart;
    private final float[][] state;
    private float[] xi = new float[0];
    private float[] hh = new float[0];
    private float[] action = new float[0];
    private float[] preAction = new float[0];
    private int batch;
    private int steps;

    // backward buffers
    private float[] gY = new float[0];
    private float[] gH = new float[0];
    private float[] gBelow = new float[0];
    private float[] gXi = new float[0];
    private float[] gHh = new float[0];
    private float[] carry = new float[0];

    GruActor(int observationSize, int actionSize, int[] hidden, boolean previousActionReward) {
        if (observationSize < 1 || actionSize < 1) {
            throw new IllegalArgumentException("gru: observation size " + observationSize + " and action size "
                    + actionSize + " must be positive");
        }
        if (hidden.length == 0) {
            throw new IllegalArgumentException("gru: at least one hidden layer is needed");
        }
        this.obs = observationSize;
        this.act = actionSize;
        this.hidden = hidden.clone();
        this.layers = hidden.length;
        this.previousActionReward = previousActionReward;
        in = new int[layers];
        Parameters.Builder b = Parameters.builder();
        int wide = 0;
        for (int l = 0; l < layers; l++) {
            in[l] = l == 0 ? obs + (previousActionReward ? act + 1 : 0) : hidden[l - 1];
            int h = hidden[l];
            wide = Math.max(wide, h);
            b.add("gru" + l + ".weight_ih", 3 * h, in[l]);
            b.add("gru" + l + ".weight_hh", 3 * h, h);
            b.add("gru" + l + ".bias_ih", 3 * h);
            b.add("gru" + l + ".bias_hh", 3 * h);
        }
        widest = wide;
        b.add("head.weight", act, hidden[layers - 1]);
        b.add("head.bias", act);
        params = b.build();
        wih = new int[layers];
        whh = new int[layers];
        bih = new int[layers];
        bhh = new int[layers];
        reset = new float[layers][];
        update = new float[layers][];
        cand = new float[layers][];
        hiddenPart = new float[layers][];
        state = new float[layers][];
        for (int l = 0; l < layers; l++) {
            wih[l] = params.offset("gru" + l + ".weight_ih");
            whh[l] = params.offset("gru" + l + ".weight_hh");
            bih[l] = params.offset("gru" + l + ".bias_ih");
            bhh[l] = params.offset("gru" + l + ".bias_hh");
            reset[l] = update[l] = cand[l] = hiddenPart[l] = state[l] = new float[0];
        }
        headW = params.offset("head.weight");
        headB = params.offset("head.bias");
        w = new float[params.size()];
        wihT = new float[layers][];
        whhT = new float[layers][];
        int largest = 0;
        for (int l = 0; l < layers; l++) {
            wihT[l] = new float[3 * hidden[l] * in[l]];
            whhT[l] = new float[3 * hidden[l] * hidden[l]];
            largest = Math.max(largest, 3 * hidden[l] * Math.max(in[l], hidden[l]));
        }
        headT = new float[hidden[layers - 1] * act];
        gradT = new float[largest];
    }

    /** A GRU actor initialised from {@code seed} as PyTorch does (uniform +-1/sqrt(h), the head +-1/sqrt(fan_in)). */
    public static SequenceActor create(int observationSize, int actionSize, Map<String, Object> options, long seed) {
        GrsnOptions o = new GrsnOptions("gru", options, OPTIONS);
        int[] hidden = o.widths("hidden", new int[] {DEFAULT_WIDTH});
        boolean par = o.flag("previous_action_reward", false);
        GruActor a = new GruActor(observationSize, actionSize, hidden, par);
        RandomStream rnd = new RandomStream(seed);
        for (Parameters.Slice s : a.params.slices()) {
            int fan = s.name().startsWith("head") ? hidden[hidden.length - 1]
                    : hidden[Integer.parseInt(s.name().substring(3, s.name().indexOf('.')))];
            Mlp.fillUniform(a.params, s.name(), (float) (1.0 / Math.sqrt(fan)), rnd);
        }
        a.refreshWeights();
        return a;
    }

    @Override
    public String family() {
        return FAMILY;
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

    /** Width of the first layer's input: the observation, plus previous action and reward when configured. */
    public int inputSize() {
        return in[0];
    }

    @Override
    public Parameters parameters() {
        return params;
    }

    @Override
    public void refreshWeights() {
        System.arraycopy(params.values(), 0, w, 0, w.length);
        for (int l = 0; l < layers; l++) {
            Gemm.transpose(w, wih[l], 3 * hidden[l], in[l], wihT[l], 0);
            Gemm.transpose(w, whh[l], 3 * hidden[l], hidden[l], whhT[l], 0);
        }
        Gemm.transpose(w, headW, act, hidden[layers - 1], headT, 0);
    }

    @Override
    public float[] forward(float[] observations, float[] previousActions, float[] previousRewards, int batch, int steps) {
        if (batch < 1 || steps < 1) {
            throw new IllegalArgumentException("gru: batch " + batch + " and steps " + steps + " must be positive");
        }
        long rowsL = (long) batch * steps;
        if (rowsL * 3L * Math.max(Math.max(in[0], act), widest) > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("gru: batch " + batch + " x steps " + steps + " is too large");
        }
        int rows = (int) rowsL;
        check("observations", observations, rows, obs, batch, steps);
        if (previousActionReward) {
            check("previousActions", previousActions, rows, act, batch, steps);
            check("previousRewards", previousRewards, rows, 1, batch, steps);
        }
        ensure(rows, batch);
        this.batch = batch;
        this.steps = steps;
        gatherInputs(observations, previousActions, previousRewards, rows, x0);
        for (int l = 0; l < layers; l++) {
            int h = hidden[l];
            int m = in[l];
            float[] x = l == 0 ? x0 : state[l - 1];
            project(x, 0, rows, m, wihT[l], 3 * h, xi, 0);
            for (int t = 0; t < steps; t++) {
                int row0 = t * batch;
                if (t == 0) {
                    Arrays.fill(hh, 0, batch * 3 * h, 0f);
                } else {
                    project(state[l], (row0 - batch) * h, batch, h, whhT[l], 3 * h, hh, 0);
                }
                cell(l, batch, xi, row0 * 3 * h, hh, 0, t == 0 ? null : state[l], (row0 - batch) * h, state[l], row0 * h,
                        row0);
            }
        }
        head(state[layers - 1], rows, preAction, action);
        return action;
    }

    private void check(String what, float[] a, int rows, int width, int batch, int steps) {
        if (a == null || a.length < rows * width) {
            throw new IllegalArgumentException("gru: " + what + " hold " + (a == null ? 0 : a.length) + " values, "
                    + steps + " steps x " + batch + " sequences x " + width + " need " + rows * width);
        }
    }

    private void gatherInputs(float[] o, float[] pa, float[] pr, int rows, float[] dst) {
        int m = in[0];
        if (!previousActionReward) {
            System.arraycopy(o, 0, dst, 0, rows * obs);
            return;
        }
        for (int r = 0; r < rows; r++) {
            System.arraycopy(o, r * obs, dst, r * m, obs);
            System.arraycopy(pa, r * act, dst, r * m + obs, act);
            dst[r * m + obs + act] = pr[r];
        }
    }

    /**
     * The gates and new state of {@code count} rows: input projections (without bias) in {@code xp} from
     * {@code xpOff}, hidden projections (without bias) in {@code hp} from {@code hpOff}, previous state in
     * {@code prev} from {@code prevOff} ({@code null}: zero); the new state goes to {@code out} from
     * {@code outOff}. With {@code keepRow >= 0} the gate values are kept for backward at rows from {@code keepRow}.
     */
    private void cell(int l, int count, float[] xp, int xpOff, float[] hp, int hpOff, float[] prev, int prevOff,
                      float[] out, int outOff, int keepRow) {
        int h = hidden[l];
        int h3 = 3 * h;
        int bi = bih[l];
        int bh = bhh[l];
        float[] wv = w;
        for (int b = 0; b < count; b++) {
            int xr = xpOff + b * h3;
            int hr = hpOff + b * h3;
            for (int i = 0; i < h; i++) {
                float r = sigmoid(xp[xr + i] + wv[bi + i] + hp[hr + i] + wv[bh + i]);
                float zg = sigmoid(xp[xr + h + i] + wv[bi + h + i] + hp[hr + h + i] + wv[bh + h + i]);
                float hn = hp[hr + 2 * h + i] + wv[bh + 2 * h + i];
                float n = tanh(xp[xr + 2 * h + i] + wv[bi + 2 * h + i] + r * hn);
                float hPrev = prev == null ? 0f : prev[prevOff + b * h + i];
                out[outOff + b * h + i] = (1f - zg) * n + zg * hPrev;
                if (keepRow >= 0) {
                    int k = (keepRow + b) * h + i;
                    reset[l][k] = r;
                    update[l][k] = zg;
                    cand[l][k] = n;
                    hiddenPart[l][k] = hn;
                }
            }
        }
    }

    private static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /**
     * {@code tanh(x) = 1 - 2 / (exp(2x) + 1)} in double, rounded to float: exact to float precision and several
     * times faster than {@link Math#tanh}, which is not an intrinsic. Saturates cleanly (exp overflows to infinity);
     * near zero, where the difference cancels, the series {@code x - x^3 / 3} is used.
     */
    static float tanh(float x) {
        if (Math.abs(x) < 0x1p-8f) {
            double d = x;
            return (float) (d - d * d * d / 3.0);
        }
        return (float) (1.0 - 2.0 / (Math.exp(2.0 * x) + 1.0));
    }

    /** {@code pre = W_o h + b_o} and {@code out = tanh(pre)} for {@code rows} rows of {@code h}. */
    private void head(float[] h, int rows, float[] pre, float[] out) {
        int hl = hidden[layers - 1];
        project(h, 0, rows, hl, headT, act, pre, 0);
        for (int k = 0; k < rows * act; k++) {
            float z = pre[k] + w[headB + k % act];
            pre[k] = z;
            out[k] = tanh(z);
        }
    }

    private void ensure(int rows, int batch) {
        if (rows > capacity) {
            capacity = rows;
            x0 = new float[rows * in[0]];
            for (int l = 0; l < layers; l++) {
                int n = rows * hidden[l];
                reset[l] = new float[n];
                update[l] = new float[n];
                cand[l] = new float[n];
                hiddenPart[l] = new float[n];
                state[l] = new float[n];
            }
            xi = new float[rows * 3 * widest];
            hh = new float[rows * 3 * widest];
            action = new float[rows * act];
            preAction = new float[rows * act];
            gY = new float[rows * act];
            gH = new float[rows * Math.max(widest, in[0])];
            gBelow = new float[rows * Math.max(widest, in[0])];
            gXi = new float[rows * 3 * widest];
            gHh = new float[rows * 3 * widest];
        }
        if (batch * widest > carry.length) {
            carry = new float[batch * widest];
        }
    }

    @Override
    public float[] preSquash() {
        return preAction;
    }

    @Override
    public void backward(float[] actionGradients, boolean preSquash) {
        if (!forwarded()) {
            throw new IllegalStateException("gru: backward called before forward");
        }
        int rows = batch * steps;
        if (actionGradients == null || actionGradients.length < rows * act) {
            throw new IllegalArgumentException("gru: action gradients hold "
                    + (actionGradients == null ? 0 : actionGradients.length) + " values, the last forward pass produced "
                    + rows * act);
        }
        float[] grad = params.gradients();
        for (int k = 0; k < rows * act; k++) {
            float a = action[k];
            gY[k] = actionGradients[k] * (preSquash ? 1f : 1f - a * a);
        }
        int last = layers - 1;
        int hl = hidden[last];
        float[] top = state[last];
        for (int r = 0; r < rows; r++) {
            Arrays.fill(gH, r * hl, (r + 1) * hl, 0f);
            for (int j = 0; j < act; j++) {
                float g = gY[r * act + j];
                GrsnColumns.axpy(g, top, r * hl, grad, headW + j * hl, hl);
                GrsnColumns.axpy(g, w, headW + j * hl, gH, r * hl, hl);
            }
        }
        Gemm.addColumnSums(gY, rows, act, grad, headB);
        for (int l = last; l >= 0; l--) {
            int h = hidden[l];
            int h3 = 3 * h;
            int m = in[l];
            layerBackward(l);
            float[] x = l == 0 ? x0 : state[l - 1];
            // weight gradients accumulated transposed ([in][3h], contiguous per input)
            Arrays.fill(gradT, 0, m * h3, 0f);
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < m; j++) {
                    GrsnColumns.axpy(x[r * m + j], gXi, r * h3, gradT, j * h3, h3);
                }
            }
            Gemm.addTransposed(gradT, m, h3, grad, wih[l]);
            Arrays.fill(gradT, 0, h * h3, 0f);
            float[] hs = state[l];
            for (int r = batch; r < rows; r++) {
                for (int j = 0; j < h; j++) {
                    GrsnColumns.axpy(hs[(r - batch) * h + j], gHh, r * h3, gradT, j * h3, h3);
                }
            }
            Gemm.addTransposed(gradT, h, h3, grad, whh[l]);
            Gemm.addColumnSums(gXi, rows, h3, grad, bih[l]);
            Gemm.addColumnSums(gHh, rows, h3, grad, bhh[l]);
            if (l > 0) {
                for (int r = 0; r < rows; r++) {
                    Arrays.fill(gBelow, r * m, (r + 1) * m, 0f);
                    for (int o = 0; o < h3; o++) {
                        GrsnColumns.axpy(gXi[r * h3 + o], w, wih[l] + o * m, gBelow, r * m, m);
                    }
                }
                float[] swap = gH;
                gH = gBelow;
                gBelow = swap;
            }
        }
    }

    private boolean forwarded() {
        return batch > 0;
    }

    /** Through time for layer l: from dL/dh (gH, from above) to the gate pre-activations' gradients gXi and gHh. */
    private void layerBackward(int l) {
        int h = hidden[l];
        int h3 = 3 * h;
        float[] rl = reset[l];
        float[] zl = update[l];
        float[] nl = cand[l];
        float[] hnl = hiddenPart[l];
        float[] hs = state[l];
        Arrays.fill(carry, 0, batch * h, 0f);
        for (int t = steps - 1; t >= 0; t--) {
            for (int b = 0; b < batch; b++) {
                int row = t * batch + b;
                int k0 = row * h;
                int g0 = row * h3;
                for (int i = 0; i < h; i++) {
                    int k = k0 + i;
                    int c = b * h + i;
                    float g = gH[k] + carry[c];
                    float r = rl[k];
                    float zg = zl[k];
                    float n = nl[k];
                    float hPrev = t > 0 ? hs[k - batch * h] : 0f;
                    float gnPre = g * (1f - zg) * (1f - n * n);
                    float gzPre = g * (hPrev - n) * zg * (1f - zg);
                    float grPre = gnPre * hnl[k] * r * (1f - r);
                    gXi[g0 + i] = grPre;
                    gXi[g0 + h + i] = gzPre;
                    gXi[g0 + 2 * h + i] = gnPre;
                    gHh[g0 + i] = grPre;
                    gHh[g0 + h + i] = gzPre;
                    gHh[g0 + 2 * h + i] = gnPre * r;
                    carry[c] = g * zg;
                }
            }
            if (t > 0) {
                for (int b = 0; b < batch; b++) {
                    int g0 = (t * batch + b) * h3;
                    for (int o = 0; o < h3; o++) {
                        GrsnColumns.axpy(gHh[g0 + o], w, whh[l] + o * h, carry, b * h, h);
                    }
                }
            }
        }
    }

    /**
     * {@code y[r][o] = sum_j x[r][j] W[o][j]} for {@code rows} rows, with {@code W} given transposed
     * ({@code wT[j * outs + o]}): per row the columns of the inputs are added in ascending order, so a row's
     * result does not depend on how many rows are computed together (the stepper equals the training pass).
     */
    private static void project(float[] x, int xOff, int rows, int m, float[] wT, int outs, float[] y, int yOff) {
        for (int r = 0; r < rows; r++) {
            int yr = yOff + r * outs;
            Arrays.fill(y, yr, yr + outs, 0f);
            for (int j = 0; j < m; j++) {
                GrsnColumns.axpy(x[xOff + r * m + j], wT, j * outs, y, yr, outs);
            }
        }
    }



    @Override
    public Stepper stepper(int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("gru: stepper lanes must be positive, got " + lanes);
        }
        return new GruStepper(lanes);
    }

    /** Every multiply-accumulate of one decision: the gates' matrix products, their three element-wise products per unit and the head. */
    @Override
    public long macsPerDecision() {
        long macs = 0;
        for (int l = 0; l < layers; l++) {
            macs += 3L * hidden[l] * (in[l] + hidden[l]) + 3L * hidden[l];
        }
        return macs + (long) hidden[layers - 1] * act;
    }

    /** No spiking form: the GRU is the ANN baseline. */
    @Override
    public SpikingNetwork toNetwork() {
        return null;
    }

    /** Per-lane hidden states; the same kernels as {@link #forward} with one step of {@code lanes} rows. */
    private final class GruStepper implements Stepper {
        private final int lanes;
        private final float[][] h;
        private final float[][] next;
        private final float[] input;
        private final float[] xiStep;
        private final float[] hhStep;
        private final float[] preStep;

        GruStepper(int lanes) {
            this.lanes = lanes;
            h = new float[layers][];
            next = new float[layers][];
            for (int l = 0; l < layers; l++) {
                h[l] = new float[lanes * hidden[l]];
                next[l] = new float[lanes * hidden[l]];
            }
            input = new float[lanes * in[0]];
            xiStep = new float[lanes * 3 * widest];
            hhStep = new float[lanes * 3 * widest];
            preStep = new float[lanes * act];
        }

        @Override
        public void reset(int lane) {
            if (lane < 0 || lane >= lanes) {
                throw new IllegalArgumentException("gru: lane " + lane + " outside 0.." + (lanes - 1));
            }
            for (int l = 0; l < layers; l++) {
                Arrays.fill(h[l], lane * hidden[l], (lane + 1) * hidden[l], 0f);
            }
        }

        @Override
        public void step(float[] observations, float[] previousActions, float[] previousRewards, float[] actionsOut) {
            check("observations", observations, lanes, obs, lanes, 1);
            if (previousActionReward) {
                check("previousActions", previousActions, lanes, act, lanes, 1);
                check("previousRewards", previousRewards, lanes, 1, lanes, 1);
            }
            check("actionsOut", actionsOut, lanes, act, lanes, 1);
            gatherInputs(observations, previousActions, previousRewards, lanes, input);
            float[] x = input;
            for (int l = 0; l < layers; l++) {
                int n = hidden[l];
                int m = in[l];
                project(x, 0, lanes, m, wihT[l], 3 * n, xiStep, 0);
                project(h[l], 0, lanes, n, whhT[l], 3 * n, hhStep, 0);
                cell(l, lanes, xiStep, 0, hhStep, 0, h[l], 0, next[l], 0, -1);
                float[] swap = h[l];
                h[l] = next[l];
                next[l] = swap;
                x = h[l];
            }
            head(x, lanes, preStep, actionsOut);
        }

        @Override
        public float[] lastPreSquash() {
            return preStep;
        }

        /** The hidden state of every layer. */
        @Override
        public float[] state() {
            float[] out = new float[stateSize()];
            int at = 0;
            for (int l = 0; l < layers; l++) {
                System.arraycopy(h[l], 0, out, at, h[l].length);
                at += h[l].length;
            }
            return out;
        }

        @Override
        public void restoreState(float[] state) {
            SequenceActors.checkState("gru", state, stateSize());
            int at = 0;
            for (int l = 0; l < layers; l++) {
                System.arraycopy(state, at, h[l], 0, h[l].length);
                at += h[l].length;
            }
        }

        private int stateSize() {
            int n = 0;
            for (int l = 0; l < layers; l++) {
                n += h[l].length;
            }
            return n;
        }

        @Override
        public long lastSpikes() {
            return 0;
        }

        @Override
        public long lastSynOps() {
            return 0;
        }
    }
}
