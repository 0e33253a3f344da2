package dev.myelin.trainer.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.myelin.policy.model.PopSan;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.PopSanActor.ActorShape;
import dev.myelin.trainer.nn.Surrogate;

/**
 * PopSAN's actor written as a DJL (PyTorch) autograd graph, timestep by timestep, exactly as the
 * published PyTorch implementation builds it: the spike function is a straight-through estimator made
 * from {@code stopGradient},
 * <pre>
 *   s = H(v - th) + (v m - stopGradient(v m)),   m = sur(v - th) computed without gradient
 * </pre>
 * whose value is exactly H and whose derivative is the surrogate m; the encoder's spikes use
 * {@code x = H(p - 0.999) + (p - stopGradient(p))}. This is the reference the fused kernels
 * ({@link dev.myelin.trainer.nn.PopSanActor}) are tested against, and the actor of the {@code djl}
 * training backend. Reads the same {@link Parameters} layout. Not thread-safe.
 */
public final class DjlPopSanGraph implements AutoCloseable {
    private final NDManager manager;
    private final ActorShape shape;
    private final Surrogate surrogate;
    private final float width;
    private final DataType compute;

    /** What one forward/backward pass produced. */
    public record Result(float[] preActivation, float[] logStd, float[] gradients) {
    }

    public DjlPopSanGraph(ActorShape shape, Surrogate surrogate, float surrogateWidth, Device device) {
        this(shape, surrogate, surrogateWidth, device, DataType.FLOAT32);
    }

    /**
     * A graph that computes in {@code compute} (see {@link DjlPrecision}) from the fp32 parameters, and
     * returns fp32 gradients.
     */
    public DjlPopSanGraph(ActorShape shape, Surrogate surrogate, float surrogateWidth, Device device, DataType compute) {
        if (compute == DataType.BFLOAT16 && !device.isGpu()) {
            throw new IllegalArgumentException(DjlPrecision.class.getSimpleName() + ": bf16 is refused on the CPU");
        }
        this.compute = compute;
        this.shape = shape;
        this.surrogate = surrogate;
        this.width = surrogateWidth;
        this.manager = NDManager.newBaseManager(device, "PyTorch");
    }

    /**
     * Forward pass on {@code batch} normalised observations, then backward with the upstream gradients
     * {@code gZ [batch, act]} and (when the parameters have a log-std head) {@code gLogStd}; returns the
     * outputs and the parameter gradients in the flat layout of {@code params}.
     */
    public Result run(Parameters params, float[] observations, int batch, float[] gZ, float[] gLogStd) {
        int obs = shape.observationSize();
        int act = shape.actionSize();
        int encPop = shape.encoderPopulation();
        int decPop = shape.decoderPopulation();
        int layers = shape.hidden().length + 1;
        boolean stdHead = params.has("log_std.weight");
        float th = shape.lif().threshold();
        float cd = shape.lif().currentDecay();
        float vd = shape.lif().voltageDecay();
        try (NDManager m = manager.newSubManager(); GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray[] p = new NDArray[params.slices().size()];
            for (int i = 0; i < p.length; i++) {
                Parameters.Slice s = params.slices().get(i);
                float[] data = new float[s.size()];
                System.arraycopy(params.values(), s.offset(), data, 0, s.size());
                // The graph's leaves are the parameters in the compute type (DJL's casts do not carry gradients);
                // their gradients are widened back to fp32, as autocast's cast backward does.
                p[i] = m.create(data, new Shape(toLong(s.shape()))).toType(compute, true);
                p[i].setRequiresGradient(true);
            }
            // Constants in the gradient's path are tensors this manager keeps until after the backward pass: DJL's
            // mul/div(Number) build a scalar over a Java buffer and close it at once, and the GC may free that buffer
            // while the autograd graph still reads it.
            NDArray minusHalf = m.create(-0.5f);
            NDArray encoderThreshold = m.create(PopSan.ENCODER_THRESHOLD);
            NDArray currentDecay = m.create(cd);
            NDArray voltageDecay = m.create(vd);
            NDArray mu = p[index(params, "encoder.mu")];
            NDArray sigma = p[index(params, "encoder.sigma")];
            float[] o = new float[batch * obs];
            System.arraycopy(observations, 0, o, 0, o.length);
            NDArray ob = m.create(o, new Shape(batch, obs, 1)).toType(compute, false);
            NDArray d = ob.sub(mu.reshape(1, obs, encPop));
            NDArray a = d.mul(d).mul(minusHalf).div(sigma.mul(sigma).reshape(1, obs, encPop)).exp().reshape(batch, obs * encPop);

            NDArray potential = m.zeros(new Shape(batch, obs * encPop), compute);
            NDArray[] c = new NDArray[layers];
            NDArray[] v = new NDArray[layers];
            NDArray[] s = new NDArray[layers];
            NDArray counts = null;
            for (int t = 0; t < shape.timesteps(); t++) {
                potential = potential.add(a);
                NDArray heaviside = potential.gt(PopSan.ENCODER_THRESHOLD).toType(compute, false);
                NDArray xt = heaviside.add(potential.sub(potential.stopGradient()));
                potential = potential.sub(xt.mul(encoderThreshold));
                for (int l = 0; l < layers; l++) {
                    NDArray wl = p[index(params, "layer" + l + ".weight")];
                    NDArray bl = p[index(params, "layer" + l + ".bias")];
                    NDArray input = xt.matMul(wl);
                    c[l] = t == 0 ? input.add(bl) : c[l].mul(currentDecay).add(input).add(bl);
                    v[l] = t == 0 ? c[l] : v[l].mul(voltageDecay).mul(s[l].neg().add(1f)).add(c[l]);
                    s[l] = spike(v[l], th);
                    xt = s[l];
                }
                counts = counts == null ? xt : counts.add(xt);
            }
            NDArray rate = counts.div(m.create((float) shape.timesteps())).reshape(batch, act, decPop);
            NDArray z = rate.mul(p[index(params, "decoder.weight")].reshape(1, act, decPop)).sum(new int[] {2})
                    .add(p[index(params, "decoder.bias")]);
            NDArray loss = z.mul(m.create(slice(gZ, batch * act), new Shape(batch, act)).toType(compute, false)).sum();
            NDArray logStd = null;
            if (stdHead) {
                logStd = rate.mul(p[index(params, "log_std.weight")].reshape(1, act, decPop)).sum(new int[] {2})
                        .add(p[index(params, "log_std.bias")]);
                if (gLogStd != null) {
                    loss = loss.add(logStd.mul(m.create(slice(gLogStd, batch * act), new Shape(batch, act))
                            .toType(compute, false)).sum());
                }
            }
            collector.backward(loss);
            float[] grads = new float[params.size()];
            for (int i = 0; i < p.length; i++) {
                Parameters.Slice sl = params.slices().get(i);
                float[] g = p[i].getGradient().toType(DataType.FLOAT32, true).toFloatArray();
                System.arraycopy(g, 0, grads, sl.offset(), sl.size());
            }
            return new Result(z.toType(DataType.FLOAT32, true).toFloatArray(),
                    logStd == null ? null : logStd.toType(DataType.FLOAT32, true).toFloatArray(), grads);
        }
    }

    private NDArray spike(NDArray v, float th) {
        NDArray x = v.stopGradient().sub(th);
        NDArray mask = switch (surrogate) {
            case RECTANGULAR -> x.abs().lt(width).toType(compute, false);
            case TRIANGULAR -> x.abs().div(width).neg().add(1f).maximum(0f);
            case FAST_SIGMOID -> {
                NDArray den = x.abs().div(width).add(1f);
                yield den.mul(den).pow(-1f);
            }
        };
        NDArray vm = v.mul(mask);
        return v.gt(th).toType(compute, false).add(vm.sub(vm.stopGradient()));
    }

    private static int index(Parameters p, String name) {
        return p.slices().indexOf(p.slice(name));
    }

    static long[] toLong(int[] shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = shape[i];
        }
        return s;
    }

    private static float[] slice(float[] a, int n) {
        float[] r = new float[n];
        System.arraycopy(a, 0, r, 0, n);
        return r;
    }

    @Override
    public void close() {
        manager.close();
    }
}
