package dev.myelin.trainer.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.myelin.trainer.nn.Parameters;

/**
 * The critic MLP ({@code relu} hidden layers, linear output) as a DJL (PyTorch) autograd graph over the
 * same {@link Parameters} layout as {@link dev.myelin.trainer.nn.Mlp}: the reference its fused kernels are
 * tested against. Not thread-safe.
 */
public final class DjlMlpGraph implements AutoCloseable {
    private final NDManager manager;
    private final String prefix;
    private final int[] sizes;

    /** Outputs {@code [batch, out]}, parameter gradients (flat layout) and input gradients {@code [batch, in]}. */
    public record Result(float[] output, float[] gradients, float[] inputGradients) {
    }

    public DjlMlpGraph(String prefix, int[] sizes, Device device) {
        this.prefix = prefix;
        this.sizes = sizes.clone();
        this.manager = NDManager.newBaseManager(device, "PyTorch");
    }

    public Result run(Parameters params, float[] input, int batch, float[] gOut) {
        int layers = sizes.length - 1;
        try (NDManager m = manager.newSubManager(); GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray[] w = new NDArray[layers];
            NDArray[] b = new NDArray[layers];
            for (int l = 0; l < layers; l++) {
                w[l] = param(m, params, prefix + "layer" + l + ".weight");
                b[l] = param(m, params, prefix + "layer" + l + ".bias");
            }
            float[] in = new float[batch * sizes[0]];
            System.arraycopy(input, 0, in, 0, in.length);
            NDArray x = m.create(in, new Shape(batch, sizes[0]));
            x.setRequiresGradient(true);
            // A kept tensor, not maximum(0f): DJL closes the scalar it builds for a Number at once, and the GC may
            // free its buffer while the backward pass still compares against it.
            NDArray zero = m.create(0f);
            NDArray h = x;
            for (int l = 0; l < layers; l++) {
                h = h.matMul(w[l]).add(b[l]);
                if (l + 1 < layers) {
                    h = h.maximum(zero);
                }
            }
            float[] g = new float[batch * sizes[layers]];
            System.arraycopy(gOut, 0, g, 0, g.length);
            collector.backward(h.mul(m.create(g, new Shape(batch, sizes[layers]))).sum());
            float[] grads = new float[params.size()];
            for (int l = 0; l < layers; l++) {
                copyGradient(params, prefix + "layer" + l + ".weight", w[l], grads);
                copyGradient(params, prefix + "layer" + l + ".bias", b[l], grads);
            }
            return new Result(h.toFloatArray(), grads, x.getGradient().toFloatArray());
        }
    }

    private static NDArray param(NDManager m, Parameters params, String name) {
        Parameters.Slice s = params.slice(name);
        float[] data = new float[s.size()];
        System.arraycopy(params.values(), s.offset(), data, 0, s.size());
        NDArray a = m.create(data, new Shape(DjlPopSanGraph.toLong(s.shape())));
        a.setRequiresGradient(true);
        return a;
    }

    private static void copyGradient(Parameters params, String name, NDArray a, float[] grads) {
        Parameters.Slice s = params.slice(name);
        System.arraycopy(a.getGradient().toFloatArray(), 0, grads, s.offset(), s.size());
    }

    @Override
    public void close() {
        manager.close();
    }
}
