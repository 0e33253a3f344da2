package dev.myelin.trainer.seq;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.Surrogate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GRSN actor's hand-written backpropagation through time equals DJL (PyTorch) autograd run on the same
 * equations step by step, with the spike as a straight-through estimator whose value is the Heaviside step
 * and whose derivative is the surrogate: {@code s = H(v - th) + (v m - stopGradient(v m))}, m the surrogate
 * at {@code v - th} without gradient.
 */
class GrsnGradientsMatchDjlTest {

    /** Actions and parameter gradients of one DJL forward/backward pass. */
    record Reference(float[] actions, float[] gradients) {
    }

    static Reference djl(Parameters params, int obs, int act, int[] hidden, float tau, float th, Surrogate surrogate,
                         float width, boolean detachReset, float[] observations, int batch, int steps, float[] gA) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch");
             GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray[] p = new NDArray[params.slices().size()];
            for (int i = 0; i < p.length; i++) {
                Parameters.Slice s = params.slices().get(i);
                long[] shape = new long[s.shape().length];
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = s.dim(d);
                }
                p[i] = m.create(params.copyOf(s.name()), new Shape(shape));
                p[i].setRequiresGradient(true);
            }
            // Constants that take part in a gradient are tensors the manager keeps until after the backward pass: DJL's
            // mul/div(Number) build a scalar over a Java buffer and close it at once, and the GC may free that buffer
            // while the autograd graph still reads it (non-finite gradients, about 1 pass in 200 under GC pressure).
            NDArray tauT = m.create(tau);
            NDArray thT = m.create(th);
            int layers = hidden.length;
            NDArray[] h = new NDArray[layers];
            NDArray[] v = new NDArray[layers];
            for (int l = 0; l < layers; l++) {
                h[l] = m.zeros(new Shape(batch, hidden[l]));
                v[l] = m.zeros(new Shape(batch, hidden[l]));
            }
            NDArray u = m.zeros(new Shape(batch, act));
            NDArray loss = null;
            NDArray[] actions = new NDArray[steps];
            for (int t = 0; t < steps; t++) {
                float[] xt = new float[batch * obs];
                System.arraycopy(observations, t * batch * obs, xt, 0, xt.length);
                NDArray x = m.create(xt, new Shape(batch, obs));
                for (int l = 0; l < layers; l++) {
                    NDArray wf = p[index(params, "layer" + l + ".gate.weight")];
                    NDArray bf = p[index(params, "layer" + l + ".gate.bias")];
                    NDArray wi = p[index(params, "layer" + l + ".input.weight")];
                    NDArray bi = p[index(params, "layer" + l + ".input.bias")];
                    NDArray f = Activation.sigmoid(x.matMul(wf.transpose()).add(bf));
                    NDArray c = Activation.relu(x.matMul(wi.transpose()).add(bi));
                    h[l] = f.mul(h[l]).add(f.neg().add(1f).mul(c));
                    NDArray vPre = v[l].add(h[l].sub(v[l]).div(tauT));
                    NDArray s = spike(vPre, th, surrogate, width);
                    v[l] = vPre.sub((detachReset ? s.stopGradient() : s).mul(thT));
                    x = s;
                }
                NDArray z = x.matMul(p[index(params, "readout.weight")].transpose()).add(p[index(params, "readout.bias")]);
                u = u.add(z.sub(u).div(tauT));
                NDArray a = u.tanh();
                actions[t] = a;
                float[] gt = new float[batch * act];
                System.arraycopy(gA, t * batch * act, gt, 0, gt.length);
                NDArray term = a.mul(m.create(gt, new Shape(batch, act))).sum();
                loss = loss == null ? term : loss.add(term);
            }
            collector.backward(loss);
            float[] grads = new float[params.size()];
            for (int i = 0; i < p.length; i++) {
                Parameters.Slice s = params.slices().get(i);
                System.arraycopy(p[i].getGradient().toFloatArray(), 0, grads, s.offset(), s.size());
            }
            float[] acts = new float[steps * batch * act];
            for (int t = 0; t < steps; t++) {
                System.arraycopy(actions[t].toFloatArray(), 0, acts, t * batch * act, batch * act);
            }
            return new Reference(acts, grads);
        }
    }

    private static NDArray spike(NDArray v, float th, Surrogate surrogate, float width) {
        NDArray x = v.stopGradient().sub(th);
        NDArray mask = switch (surrogate) {
            case RECTANGULAR -> x.abs().lt(width).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            case TRIANGULAR -> x.abs().div(width).neg().add(1f).maximum(0f);
            case FAST_SIGMOID -> {
                NDArray den = x.abs().div(width).add(1f);
                yield den.mul(den).pow(-1f);
            }
        };
        NDArray vm = v.mul(mask);
        return v.gte(th).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).add(vm.sub(vm.stopGradient()));
    }

    private static int index(Parameters p, String name) {
        return p.slices().indexOf(p.slice(name));
    }

    static void assertClose(float[] expected, float[] actual, double rtol, double atol, String what, Parameters p) {
        assertEquals(expected.length, actual.length, what + " length");
        double scale = 0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            double tol = atol * scale + rtol * Math.abs(expected[i]);
            String where = p == null ? "[" + i + "]" : " " + p.nameAt(i) + "[" + (i - p.offset(p.nameAt(i))) + "]";
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol,
                    what + where + ": DJL " + expected[i] + ", hand-written " + actual[i] + " (scale " + scale + ")");
        }
    }

    @ParameterizedTest
    @EnumSource(Surrogate.class)
    void gradientsThroughTimeEqualAutograd(Surrogate surrogate) {
        check(surrogate, false, false, 31);
    }

    @Test
    void detachedResetEqualsAutogradWithAConstantReset() {
        check(Surrogate.RECTANGULAR, true, false, 32);
    }

    /**
     * Loss only at the last step, whose observations are zero: layer 0's weights then get no gradient from
     * that step directly, so all of theirs has flowed back through h and v from earlier steps.
     */
    @Test
    void gradientReachesEarlierStepsThroughTheCarriedState() {
        check(Surrogate.RECTANGULAR, false, true, 33);
    }

    private void check(Surrogate surrogate, boolean detach, boolean lastStepOnly, long seed) {
        int obs = 3;
        int act = 2;
        int[] hidden = {20, 12};
        int batch = 4;
        int steps = 14;
        GrsnActor actor = (GrsnActor) GrsnActor.create(obs, act, Map.of("hidden", List.of(20, 12),
                "surrogate", surrogate.configName(), "detach_reset", detach), seed);
        Parameters p = actor.parameters();
        SplittableRandom r = new SplittableRandom(seed);
        float[] o = GrsnActorTest.gaussian(r, steps * batch * obs, 1.3);
        float[] g = GrsnActorTest.gaussian(r, steps * batch * act, 1.0);
        if (lastStepOnly) {
            java.util.Arrays.fill(g, 0, (steps - 1) * batch * act, 0f);
            java.util.Arrays.fill(o, (steps - 1) * batch * obs, steps * batch * obs, 0f);
        }
        float[] a = actor.forward(o, new float[steps * batch * act], new float[steps * batch], batch, steps).clone();
        assertTrue(actor.lastForwardSpikes() > steps * batch, "the network must fire: " + actor.lastForwardSpikes());
        p.zeroGradients();
        actor.backward(g);
        float[] mine = p.gradients().clone();
        Reference ref = djl(p, obs, act, hidden, 2f, 1f, surrogate, 0.5f, detach, o, batch, steps, g);
        assertClose(ref.actions(), a, 1e-5, 1e-6, "action", null);
        assertClose(ref.gradients(), mine, 1e-3, 1e-4, "gradient", p);
        for (String name : new String[] {"layer0.gate.weight", "layer0.input.weight", "layer1.gate.weight",
                "readout.weight"}) {
            Parameters.Slice s = p.slice(name);
            double sum = 0;
            for (int i = s.offset(); i < s.offset() + s.size(); i++) {
                sum += Math.abs(mine[i]);
            }
            assertTrue(sum > 1e-6, name + " receives gradient (" + sum + ")");
        }
    }
}
