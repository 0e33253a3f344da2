package dev.myelin.trainer.seq;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.myelin.policy.model.CubaLif;
import dev.myelin.trainer.nn.Parameters;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transformer actor's hand-written backward pass equals DJL (PyTorch) autograd on an independent
 * formulation of the same forward: every decision recomputes its whole window of tokens (no sharing of
 * token spike trains between decisions), all decisions batched, spikes as straight-through estimators
 * {@code s = H(v - th) + (v m - stopGradient(v m))} with the rectangular surrogate m.
 */
class TransformerGradientsMatchDjlTest {
    private static final float WIDTH = 0.5f;

    @Test
    void gradientsEqualDjlAutograd() {
        int obs = 3;
        int act = 2;
        int window = 3;
        int d = 8;
        int mlp = 12;
        int pop = 4;
        int timesteps = 3;
        int batch = 3;
        int steps = 6;
        TransformerActor actor = new TransformerActor(obs, act, window, d, mlp, pop, timesteps, 0.4f, CubaLif.POPSAN,
                WIDTH, 17);
        SplittableRandom r = new SplittableRandom(17);
        int n = batch * steps;
        float[] o = new float[n * obs];
        float[] pa = new float[n * act];
        float[] pr = new float[n];
        for (int i = 0; i < o.length; i++) {
            o[i] = (float) (1.2 * r.nextGaussian());
        }
        for (int t = 1; t < steps; t++) {
            for (int k = 0; k < batch * act; k++) {
                pa[t * batch * act + k] = (float) (2 * r.nextDouble() - 1);
            }
            for (int b = 0; b < batch; b++) {
                pr[t * batch + b] = (float) r.nextGaussian();
            }
        }
        float[] g = new float[n * act];
        // no loss on the first step (a burn-in step): its gradient is zero
        for (int i = batch * act; i < g.length; i++) {
            g[i] = (float) r.nextGaussian();
        }
        float[] u = actor.forward(o, pa, pr, batch, steps).clone();
        Parameters p = actor.parameters();
        p.zeroGradients();
        actor.backward(g);
        float[] fused = p.gradients().clone();

        // the window of every decision, oldest first, zero tokens before the sequence start
        int tok = obs + act + 1;
        float[] windows = new float[n * window * tok];
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                int dec = t * batch + b;
                for (int q = 0; q < window; q++) {
                    int s = t - (window - 1) + q;
                    if (s < 0) {
                        continue;
                    }
                    int src = s * batch + b;
                    int to = (dec * window + q) * tok;
                    System.arraycopy(o, src * obs, windows, to, obs);
                    System.arraycopy(pa, src * act, windows, to + obs, act);
                    windows[to + obs + act] = pr[src];
                }
            }
        }
        CubaLif lif = CubaLif.POPSAN;
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
             GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray[] w = new NDArray[p.slices().size()];
            for (int i = 0; i < w.length; i++) {
                Parameters.Slice s = p.slices().get(i);
                long[] shape = Arrays.stream(s.shape()).asLongStream().toArray();
                w[i] = manager.create(p.copyOf(s.name()), new Shape(shape));
                w[i].setRequiresGradient(true);
            }
            // Constants in the gradient's path are tensors the manager keeps (see GrsnGradientsMatchDjlTest#djl).
            NDArray cd = manager.create(lif.currentDecay());
            NDArray vd = manager.create(lif.voltageDecay());
            NDArray x = manager.create(windows, new Shape((long) n * window, tok));
            NDArray e = linear(x, w, p, "embed").reshape(n, window, d);
            NDArray cx = null, vx = null, sx = null, ck = null, vk = null, sk = null, cv = null, vv = null, sv = null;
            NDArray cq = null, vq = null, sq = null, cy = null, vy = null, sy = null, cp = null, vp = null, sp = null;
            NDArray cm = null, vm = null, sm = null, co = null, vo = null, so = null, counts = null;
            for (int t = 0; t < timesteps; t++) {
                cx = t == 0 ? e : cx.mul(cd).add(e);
                vx = voltage(vx, sx, cx, vd);
                sx = spike(vx, lif.threshold());
                NDArray flat = sx.reshape((long) n * window, d);
                NDArray ik = linear(flat, w, p, "key").reshape(n, window, d);
                ck = t == 0 ? ik : ck.mul(cd).add(ik);
                vk = voltage(vk, sk, ck, vd);
                sk = spike(vk, lif.threshold());
                NDArray iv = linear(flat, w, p, "value").reshape(n, window, d);
                cv = t == 0 ? iv : cv.mul(cd).add(iv);
                vv = voltage(vv, sv, cv, vd);
                sv = spike(vv, lif.threshold());
                NDArray last = sx.get(":, " + (window - 1) + ", :");
                NDArray iq = linear(last, w, p, "query");
                cq = t == 0 ? iq : cq.mul(cd).add(iq);
                vq = voltage(vq, sq, cq, vd);
                sq = spike(vq, lif.threshold());
                NDArray score = sq.reshape(n, 1, d).mul(sk).sum(new int[] {2});
                NDArray att = score.reshape(n, window, 1).mul(sv).sum(new int[] {1}).mul(manager.create(0.4f));
                cy = t == 0 ? att : cy.mul(cd).add(att);
                vy = voltage(vy, sy, cy, vd);
                sy = spike(vy, lif.threshold());
                NDArray ip = linear(sy, w, p, "proj");
                cp = t == 0 ? ip : cp.mul(cd).add(ip);
                vp = voltage(vp, sp, cp, vd);
                sp = spike(vp, lif.threshold());
                NDArray res = last.add(sp);
                NDArray im = linear(res, w, p, "mlp");
                cm = t == 0 ? im : cm.mul(cd).add(im);
                vm = voltage(vm, sm, cm, vd);
                sm = spike(vm, lif.threshold());
                NDArray io = linear(sm, w, p, "out");
                co = t == 0 ? io : co.mul(cd).add(io);
                vo = voltage(vo, so, co, vd);
                so = spike(vo, lif.threshold());
                counts = counts == null ? so : counts.add(so);
            }
            NDArray rate = counts.div(manager.create((float) timesteps)).reshape(n, act, pop);
            NDArray z = rate.mul(w[index(p, "decoder.weight")].reshape(1, act, pop)).sum(new int[] {2})
                    .add(w[index(p, "decoder.bias")]);
            NDArray a = z.tanh();
            NDArray loss = a.mul(manager.create(g, new Shape(n, act))).sum();
            collector.backward(loss);
            float[] ref = new float[p.size()];
            for (int i = 0; i < w.length; i++) {
                Parameters.Slice s = p.slices().get(i);
                System.arraycopy(w[i].getGradient().toFloatArray(), 0, ref, s.offset(), s.size());
            }
            float[] refU = a.toFloatArray();
            for (int i = 0; i < refU.length; i++) {
                assertEquals(refU[i], u[i], 1e-5, "action " + i);
            }
            assertClose(ref, fused, p);
        }
        for (Parameters.Slice s : p.slices()) {
            double sum = 0;
            for (int i = s.offset(); i < s.offset() + s.size(); i++) {
                sum += Math.abs(fused[i]);
            }
            assertTrue(sum > 0, s.name() + " receives gradient (the comparison must cover every tensor)");
        }
    }

    private static void assertClose(float[] expected, float[] actual, Parameters p) {
        double scale = 0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-4 * scale + 1e-3 * Math.abs(expected[i]);
            String name = p.nameAt(i);
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol, name + "[" + (i - p.offset(name)) + "]: DJL "
                    + expected[i] + ", hand-written " + actual[i] + " (scale " + scale + ")");
        }
    }

    private static NDArray linear(NDArray x, NDArray[] w, Parameters p, String prefix) {
        return x.matMul(w[index(p, prefix + ".weight")].transpose()).add(w[index(p, prefix + ".bias")]);
    }

    /** {@code v = vd v (1 - s) + c}, zero state at the first timestep. */
    private static NDArray voltage(NDArray v, NDArray s, NDArray c, NDArray vd) {
        return v == null ? c : v.mul(vd).mul(s.neg().add(1f)).add(c);
    }

    private static NDArray spike(NDArray v, float th) {
        NDArray mask = v.stopGradient().sub(th).abs().lt(WIDTH).toType(DataType.FLOAT32, false);
        NDArray vm = v.mul(mask);
        return v.gt(th).toType(DataType.FLOAT32, false).add(vm.sub(vm.stopGradient()));
    }

    private static int index(Parameters p, String name) {
        return p.slices().indexOf(p.slice(name));
    }
}
