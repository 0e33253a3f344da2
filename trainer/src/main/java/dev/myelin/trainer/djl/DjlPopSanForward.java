package dev.myelin.trainer.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.myelin.policy.model.Channel;
import dev.myelin.policy.model.Normalizer;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikeMode;

/**
 * PopSAN's forward pass computed densely with DJL NDArrays (PyTorch engine), batch 1, deterministic
 * encoder: the same equations as the policy module's engines (see {@link PopSan}), as a tensor
 * library evaluates them. Used as the comparator in {@code ./myelin bench policy} and to cross-check
 * the edge engines. Not thread-safe.
 */
public final class DjlPopSanForward implements AutoCloseable {
    private final NDManager manager;
    private final PopSan net;
    private final NDArray mean;
    private final NDArray invStd;
    private final float clip;
    private final NDArray mu;
    private final NDArray negHalfInvVar;
    private final NDArray[] weightsT;
    private final NDArray[] biases;
    private final NDArray decoderWeight;
    private final NDArray decoderBias;
    private final NDArray actionCenter;
    private final NDArray actionHalf;

    public DjlPopSanForward(Policy policy) {
        if (!(policy.network() instanceof PopSan p)) {
            throw new IllegalArgumentException("DJL comparator supports popsan networks, got " + policy.network().family());
        }
        if (p.spikeMode() != SpikeMode.DETERMINISTIC) {
            throw new IllegalArgumentException("DJL comparator needs the deterministic encoder");
        }
        this.net = p;
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        Normalizer n = policy.normalizer();
        mean = manager.create(n.mean());
        invStd = manager.create(n.inverseStd());
        clip = n.clip();
        int obs = p.observationSize();
        int pop = p.encoderPopulation();
        mu = manager.create(p.tensor("encoder.mu").data(), new Shape(obs, pop));
        float[] sigma = p.tensor("encoder.sigma").data();
        float[] nh = new float[sigma.length];
        for (int i = 0; i < nh.length; i++) {
            nh[i] = -0.5f / (sigma[i] * sigma[i]);
        }
        negHalfInvVar = manager.create(nh, new Shape(obs, pop));
        int layers = p.layerCount();
        weightsT = new NDArray[layers];
        biases = new NDArray[layers];
        for (int l = 0; l < layers; l++) {
            weightsT[l] = manager.create(p.tensor("layer" + l + ".weight").data(),
                    new Shape(p.layerOutput(l), p.layerInput(l))).transpose();
            biases[l] = manager.create(p.tensor("layer" + l + ".bias").data(), new Shape(1, p.layerOutput(l)));
        }
        decoderWeight = manager.create(p.tensor("decoder.weight").data(), new Shape(p.actionSize(), p.decoderPopulation()));
        decoderBias = manager.create(p.tensor("decoder.bias").data());
        float[] center = new float[p.actionSize()];
        float[] half = new float[p.actionSize()];
        for (int j = 0; j < center.length; j++) {
            Channel c = policy.actions().get(j);
            center[j] = c.center();
            half[j] = c.halfRange();
        }
        actionCenter = manager.create(center);
        actionHalf = manager.create(half);
    }

    /** One decision; returns the action. Allocates NDArrays that are freed before returning. */
    public float[] act(float[] observation) {
        try (NDScope ignored = new NDScope()) {
            NDArray o = manager.create(observation).sub(mean).mul(invStd).clip(-clip, clip);
            NDArray d = o.reshape(net.observationSize(), 1).sub(mu);
            NDArray activation = d.mul(d).mul(negHalfInvVar).exp().reshape(1, -1);
            NDArray potential = manager.zeros(activation.getShape());
            int layers = net.layerCount();
            NDArray[] c = new NDArray[layers];
            NDArray[] v = new NDArray[layers];
            NDArray[] s = new NDArray[layers];
            for (int l = 0; l < layers; l++) {
                Shape shape = new Shape(1, net.layerOutput(l));
                c[l] = manager.zeros(shape);
                v[l] = manager.zeros(shape);
                s[l] = manager.zeros(shape);
            }
            NDArray counts = manager.zeros(new Shape(1, net.layerOutput(layers - 1)));
            float cd = net.lif().currentDecay();
            float vd = net.lif().voltageDecay();
            float th = net.lif().threshold();
            for (int t = 0; t < net.timesteps(); t++) {
                potential = potential.add(activation);
                NDArray x = potential.gt(PopSan.ENCODER_THRESHOLD).toType(DataType.FLOAT32, false);
                potential = potential.sub(x.mul(PopSan.ENCODER_THRESHOLD));
                for (int l = 0; l < layers; l++) {
                    c[l] = c[l].mul(cd).add(x.matMul(weightsT[l])).add(biases[l]);
                    v[l] = v[l].mul(vd).mul(s[l].neg().add(1f)).add(c[l]);
                    s[l] = v[l].gt(th).toType(DataType.FLOAT32, false);
                    x = s[l];
                }
                counts = counts.add(x);
            }
            NDArray rate = counts.div((float) net.timesteps()).reshape(net.actionSize(), net.decoderPopulation());
            NDArray z = rate.mul(decoderWeight).sum(new int[] {1}).add(decoderBias);
            return z.tanh().mul(actionHalf).add(actionCenter).toFloatArray();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
