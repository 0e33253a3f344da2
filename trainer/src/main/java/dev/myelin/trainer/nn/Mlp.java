package dev.myelin.trainer.nn;

import dev.myelin.trainer.kernel.Gemm;
import dev.myelin.trainer.kernel.Rounding;

/**
 * A fully connected network {@code sizes[0] -> ... -> sizes[L]} with ReLU between layers and a linear
 * output (the TD3/SAC critic), forward and backward as fused CPU kernels over a batch:
 * <pre>
 *   h_0 = x ;  z_l = h_l W_l + b_l ;  h_{l+1} = relu(z_l)  (l < L-1) ;  y = z_{L-1}
 * </pre>
 * Weights live in {@link Parameters} slices {@code <prefix>layer<l>.weight [in, out]} and
 * {@code <prefix>layer<l>.bias [out]}. Buffers are sized for {@code maxBatch} at construction; forward and
 * backward allocate nothing. With a reduced-precision {@link Rounding} the network works on a rounded
 * copy of the weights ({@link #refreshWeights()} after every optimizer step) and rounds every stored
 * result, gradients included. One thread.
 */
public final class Mlp {
    private final Parameters params;
    private final String prefix;
    private final int[] sizes;
    private final int layers;
    private final int maxBatch;
    private final Rounding rounding;
    private final int[] wOff;
    private final int[] bOff;
    /** Weights the kernels read: the master values in fp32, a rounded copy otherwise. */
    private final float[] w;
    /** h[l] = input of layer l, [batch, sizes[l]]; h[L] = output. */
    private final float[][] h;
    private final float[] gA;
    private final float[] gB;
    private final float[] transposed;
    private int batch;

    public Mlp(Parameters params, String prefix, int[] sizes, int maxBatch, Rounding rounding) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("an MLP needs an input and an output size");
        }
        this.params = params;
        this.prefix = prefix;
        this.sizes = sizes.clone();
        this.layers = sizes.length - 1;
        this.maxBatch = maxBatch;
        this.rounding = rounding;
        wOff = new int[layers];
        bOff = new int[layers];
        int widest = 0;
        for (int l = 0; l < layers; l++) {
            Parameters.Slice ws = params.slice(prefix + "layer" + l + ".weight");
            Parameters.Slice bs = params.slice(prefix + "layer" + l + ".bias");
            if (ws.dim(0) != sizes[l] || ws.dim(1) != sizes[l + 1] || bs.dim(0) != sizes[l + 1]) {
                throw new IllegalArgumentException("MLP " + prefix + " layer " + l + ": parameter shapes do not match sizes");
            }
            wOff[l] = ws.offset();
            bOff[l] = bs.offset();
            widest = Math.max(widest, Math.max(sizes[l], sizes[l + 1]));
        }
        w = rounding == Rounding.FP32 ? params.values() : new float[params.size()];
        h = new float[layers + 1][];
        for (int l = 0; l <= layers; l++) {
            h[l] = new float[maxBatch * sizes[l]];
        }
        gA = new float[maxBatch * widest];
        gB = new float[maxBatch * widest];
        int largest = 0;
        for (int l = 0; l < layers; l++) {
            largest = Math.max(largest, sizes[l] * sizes[l + 1]);
        }
        transposed = new float[largest];
        refreshWeights();
    }

    /** Declares this network's parameters. */
    public static void declare(Parameters.Builder b, String prefix, int[] sizes) {
        for (int l = 0; l + 1 < sizes.length; l++) {
            b.add(prefix + "layer" + l + ".weight", sizes[l], sizes[l + 1]);
            b.add(prefix + "layer" + l + ".bias", sizes[l + 1]);
        }
    }

    /** PyTorch's {@code nn.Linear} initialisation: weights and biases uniform in +-1/sqrt(fan_in). */
    public static void initialize(Parameters p, String prefix, int[] sizes, RandomStream rnd) {
        for (int l = 0; l + 1 < sizes.length; l++) {
            float bound = (float) (1.0 / Math.sqrt(sizes[l]));
            fillUniform(p, prefix + "layer" + l + ".weight", bound, rnd);
            fillUniform(p, prefix + "layer" + l + ".bias", bound, rnd);
        }
    }

    /** Fills parameter {@code name} with values uniform in +-{@code bound}, in index order. */
    public static void fillUniform(Parameters p, String name, float bound, RandomStream rnd) {
        Parameters.Slice s = p.slice(name);
        float[] v = p.values();
        for (int i = s.offset(); i < s.offset() + s.size(); i++) {
            v[i] = rnd.uniform(-bound, bound);
        }
    }

    /** Re-reads (and rounds) the master weights; call after they change when the rounding is not fp32. */
    public void refreshWeights() {
        if (rounding != Rounding.FP32) {
            rounding.copy(params.values(), 0, w, 0, w.length);
        }
    }

    public int inputSize() {
        return sizes[0];
    }

    public int outputSize() {
        return sizes[layers];
    }

    /** The input buffer, {@code [maxBatch, inputSize]}: fill rows {@code 0..batch)} then call {@link #forward(int)}. */
    public float[] input() {
        return h[0];
    }

    /** The output buffer of the last {@link #forward(int)}, {@code [maxBatch, outputSize]}. */
    public float[] output() {
        return h[layers];
    }

    /**
     * Runs the network on the first {@code batch} rows of {@link #input()}; returns the output buffer
     * {@code [batch, outputSize]} (owned by this network, valid until the next forward).
     */
    public float[] forward(int batch) {
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException("batch " + batch + " outside 1.." + maxBatch);
        }
        this.batch = batch;
        rounding.round(h[0], 0, batch * sizes[0]);
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            float[] x = h[l];
            float[] y = h[l + 1];
            Gemm.product(batch, out, in, x, 0, in, 1, w, wOff[l], out, y, 0, out, false);
            int bo = bOff[l];
            boolean hidden = l + 1 < layers;
            for (int r = 0; r < batch; r++) {
                int base = r * out;
                for (int j = 0; j < out; j++) {
                    float z = y[base + j] + w[bo + j];
                    y[base + j] = hidden ? Math.max(z, 0f) : z;
                }
            }
            rounding.round(y, 0, batch * out);
        }
        return h[layers];
    }

    /**
     * Backpropagates {@code gOut [batch, outputSize]} (the loss gradient of the last forward's output).
     * With {@code parameterGradients} the weight and bias gradients are added to the parameters' gradient
     * array; with {@code gInput != null} the gradient with respect to input columns
     * {@code [inCol, inCol + inCols)} is written to {@code gInput [batch, inCols]}.
     */
    public void backward(float[] gOut, boolean parameterGradients, float[] gInput, int inCol, int inCols) {
        backward(gOut, parameterGradients ? params.gradients() : null, gInput, inCol, inCols);
    }

    /**
     * As {@link #backward(float[], boolean, float[], int, int)}, adding parameter gradients to {@code grad}
     * (same layout as the parameters) unless it is null.
     */
    public void backward(float[] gOut, float[] grad, float[] gInput, int inCol, int inCols) {
        boolean parameterGradients = grad != null;
        int b = batch;
        float[] g = gA;
        float[] next = gB;
        System.arraycopy(gOut, 0, g, 0, b * sizes[layers]);
        rounding.round(g, 0, b * sizes[layers]);
        for (int l = layers - 1; l >= 0; l--) {
            int in = sizes[l];
            int out = sizes[l + 1];
            if (parameterGradients) {
                // dW_l += h_l^T g ; db_l += column sums of g
                Gemm.product(in, out, b, h[l], 0, 1, in, g, 0, out, grad, wOff[l], out, true);
                rounding.round(grad, wOff[l], in * out);
                int bo = bOff[l];
                Gemm.addColumnSums(g, b, out, grad, bo);
                rounding.round(grad, bo, out);
            }
            if (l > 0) {
                // g_{l-1} = (g W_l^T) * relu'(z_{l-1}), relu' read from h_l > 0
                Gemm.transpose(w, wOff[l], in, out, transposed, 0);
                Gemm.product(b, in, out, g, 0, out, 1, transposed, 0, in, next, 0, in, false);
                float[] hl = h[l];
                for (int i = 0, n = b * in; i < n; i++) {
                    next[i] = hl[i] > 0f ? next[i] : 0f;
                }
                rounding.round(next, 0, b * in);
                float[] t = g;
                g = next;
                next = t;
            } else if (gInput != null) {
                Gemm.productTransposed(b, inCols, out, g, 0, out, w, wOff[0] + inCol * out, out, gInput, 0, inCols, false);
                rounding.round(gInput, 0, b * inCols);
            }
        }
    }

    /** Multiply-add FLOPs of one forward pass over {@code batch} rows. */
    public long forwardFlops(int batch) {
        long f = 0;
        for (int l = 0; l < layers; l++) {
            f += Gemm.flops(batch, sizes[l + 1], sizes[l]);
        }
        return f;
    }

    public String prefix() {
        return prefix;
    }
}
