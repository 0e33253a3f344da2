package dev.myelin.trainer.seq;

import dev.myelin.trainer.nn.Parameters;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Backpropagation through the trainer's spiking transformer ({@link TransformerNet}) with surrogate spike
 * gradients, for the decisions of one training forward pass: decoder, output, MLP, projection, attention
 * and query per decision, then keys, values and token neurons per token, the packed weight gradients
 * unpacked into the parameters' gradients at the end. Buffers grow to the largest pass seen and are reused.
 * One thread.
 */
final class TransformerBackward {
    private static final VectorSpecies<Float> LANES = TransformerNet.LANES;
    private static final int L = TransformerNet.L;
    private static final FloatVector ONE = TransformerNet.ONE;
    private static final FloatVector ZERO = TransformerNet.ZERO;

    private final int act, tok, window, d, mlp, pop, outN, steps;
    private final float scale, cd, vd, th, width;
    private final Parameters params;
    private final int embW, embB, qW, qB, kW, kB, vW, vB, pW, pB, mW, mB, oW, oB, decW, decB;

    // the pass being differentiated
    private TransformerNet.TokenTrains tokens;
    private TransformerNet.DecisionTrace trace;
    private float[] actions;

    private float[] gX = new float[0];
    private float[] gK = new float[0];
    private float[] gV = new float[0];
    private final float[] gEmbT, gQT, gKT, gVT, gPT, gMT, gOT;
    private final float[] gRate;
    private final float[] gOs, gIo, gMs, gIm, gR, gIp, gYs, gAtt, gQ, gIq, gIk, gIv, gIx, ge;
    private final float[] gv, gc;

    TransformerBackward(TransformerNet net) {
        act = net.act;
        tok = net.tok;
        window = net.window;
        d = net.d;
        mlp = net.mlp;
        pop = net.pop;
        outN = net.outN;
        steps = net.steps;
        scale = net.scale;
        cd = net.cd;
        vd = net.vd;
        th = net.th;
        width = net.width;
        params = net.params;
        embW = net.embW;
        embB = net.embB;
        qW = net.qW;
        qB = net.qB;
        kW = net.kW;
        kB = net.kB;
        vW = net.vW;
        vB = net.vB;
        pW = net.pW;
        pB = net.pB;
        mW = net.mW;
        mB = net.mB;
        oW = net.oW;
        oB = net.oB;
        decW = net.decW;
        decB = net.decB;
        gEmbT = new float[tok * d];
        gQT = new float[d * d];
        gKT = new float[d * d];
        gVT = new float[d * d];
        gPT = new float[d * d];
        gMT = new float[d * mlp];
        gOT = new float[mlp * outN];
        int widest = Math.max(Math.max(d, mlp), Math.max(outN, tok));
        gRate = new float[outN];
        gOs = new float[steps * outN];
        gIo = new float[steps * outN];
        gMs = new float[steps * mlp];
        gIm = new float[steps * mlp];
        gR = new float[steps * d];
        gIp = new float[steps * d];
        gYs = new float[steps * d];
        gAtt = new float[steps * d];
        gQ = new float[steps * d];
        gIq = new float[steps * d];
        gIk = new float[steps * d];
        gIv = new float[steps * d];
        gIx = new float[steps * d];
        ge = new float[d];
        gv = new float[widest];
        gc = new float[widest];
    }

    /** Sizes the token gradients for passes of up to {@code trainValues} spike-train values per kind. */
    void ensureCapacity(int trainValues) {
        if (gX.length < trainValues) {
            gX = new float[trainValues];
            gK = new float[trainValues];
            gV = new float[trainValues];
        }
    }

    /**
     * Adds to the parameters' gradients those of {@code decisions} decisions of the pass in {@code tokens} /
     * {@code trace} with actions {@code actions}, given dL/da ({@code preSquash}: dL/dz before the tanh).
     */
    void backward(TransformerNet.TokenTrains tokens, TransformerNet.DecisionTrace trace, float[] actions, int decisions,
                  float[] actionGradients, boolean preSquash) {
        this.tokens = tokens;
        this.trace = trace;
        this.actions = actions;
        int tokenCount = decisions + 1;
        int rows = tokenCount * steps * d;
        Arrays.fill(gX, 0, rows, 0f);
        Arrays.fill(gK, 0, rows, 0f);
        Arrays.fill(gV, 0, rows, 0f);
        Arrays.fill(gEmbT, 0f);
        Arrays.fill(gQT, 0f);
        Arrays.fill(gKT, 0f);
        Arrays.fill(gVT, 0f);
        Arrays.fill(gPT, 0f);
        Arrays.fill(gMT, 0f);
        Arrays.fill(gOT, 0f);
        float[] grad = params.gradients();
        float[] w = params.values();
        for (int n = 0; n < decisions; n++) {
            backDecision(n, actionGradients, preSquash, grad, w);
        }
        for (int n = 0; n < tokenCount; n++) {
            backToken(n, grad, w);
        }
        unpackAdd(gEmbT, tok, d, grad, embW);
        unpackAdd(gQT, d, d, grad, qW);
        unpackAdd(gKT, d, d, grad, kW);
        unpackAdd(gVT, d, d, grad, vW);
        unpackAdd(gPT, d, d, grad, pW);
        unpackAdd(gMT, d, mlp, grad, mW);
        unpackAdd(gOT, mlp, outN, grad, oW);
    }

    /** Adds {@code g [in][out]} into the gradient of {@code W [out, in]} at {@code off}. */
    private static void unpackAdd(float[] g, int in, int out, float[] grad, int off) {
        for (int i = 0; i < out; i++) {
            for (int j = 0; j < in; j++) {
                grad[off + i * in + j] += g[j * out + i];
            }
        }
    }

    /** Decoder to query of decision n; the gradients reaching its window's X, K and V go to gX, gK, gV. */
    private void backDecision(int n, float[] gU, boolean preSquash, float[] grad, float[] w) {
        TransformerNet.DecisionTrace tr = trace;
        TransformerNet.TokenTrains tt = tokens;
        boolean any = false;
        for (int j = 0; j < act; j++) {
            any |= gU[n * act + j] != 0f;
        }
        if (!any) {
            return;
        }
        // a = tanh(z), z_j = b_j + w_j . rate_j, rate = counts / T
        float invT = 1f / steps;
        for (int j = 0; j < act; j++) {
            float u = actions[n * act + j];
            float gz = gU[n * act + j] * (preSquash ? 1f : 1f - u * u);
            grad[decB + j] += gz;
            int base = j * pop;
            for (int k = 0; k < pop; k++) {
                grad[decW + base + k] += gz * tr.rate[n * outN + base + k];
                gRate[base + k] = gz * w[decW + base + k];
            }
        }
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < outN; i++) {
                gOs[t * outN + i] = gRate[i] * invT;
            }
        }
        final int rowD = n * steps * d;
        final int rowM = n * steps * mlp;
        final int rowO = n * steps * outN;
        final int newest = tr.position[n * window + window - 1];
        // output layer: o = LIF(W_o m + b_o)
        lifBack(gOs, tr.ov, tr.os, rowO, outN, gIo);
        layerGrads(gIo, outN, tr.ms, rowM, mlp, null, 0, gOT, oB, grad);
        inputGrads(oW, mlp, outN, gIo, gMs, 0, false);
        // MLP: m = LIF(W_m r + b_m), r = X_last + P
        lifBack(gMs, tr.mv, tr.ms, rowM, mlp, gIm);
        layerGrads(gIm, mlp, tt.xs, newest * steps * d, d, tr.ps, rowD, gMT, mB, grad);
        inputGrads(mW, d, mlp, gIm, gR, 0, false);
        int xRow = newest * steps * d;
        for (int k = 0; k < steps * d; k++) {
            gX[xRow + k] += gR[k];
        }
        // projection: P = LIF(W_p y + b_p), whose spikes receive gR through the residual
        lifBack(gR, tr.pv, tr.ps, rowD, d, gIp);
        layerGrads(gIp, d, tr.ys, rowD, d, null, 0, gPT, pB, grad);
        inputGrads(pW, d, d, gIp, gYs, 0, false);
        // attention neurons: y = LIF(att), no bias
        lifBack(gYs, tr.yv, tr.ys, rowD, d, gAtt);
        // att_i = scale * sum_p score_p V_pi, score_p = q . K_p
        Arrays.fill(gQ, 0f);
        for (int t = 0; t < steps; t++) {
            int at = rowD + t * d;
            int ga = t * d;
            for (int p = 0; p < window; p++) {
                int pos = tr.position[n * window + p];
                int kOff = (pos * steps + t) * d;
                float sc = tr.score[(n * steps + t) * window + p];
                float gScore = 0f;
                for (int i = 0; i < d; i++) {
                    if (tt.vs[kOff + i] != 0f) {
                        gScore += gAtt[ga + i];
                    }
                }
                gScore *= scale;
                if (sc != 0f) {
                    float wp = scale * sc;
                    for (int i = 0; i < d; i++) {
                        gV[kOff + i] += wp * gAtt[ga + i];
                    }
                }
                if (gScore != 0f) {
                    for (int i = 0; i < d; i++) {
                        gQ[ga + i] += gScore * tt.ks[kOff + i];
                        gK[kOff + i] += gScore * tr.qs[at + i];
                    }
                }
            }
        }
        // query: q = LIF(W_q X_last + b_q)
        lifBack(gQ, tr.qv, tr.qs, rowD, d, gIq);
        layerGrads(gIq, d, tt.xs, xRow, d, null, 0, gQT, qB, grad);
        inputGrads(qW, d, d, gIq, gX, xRow, true);
    }

    /** Keys, values and token neurons of token n, from the gradients its decisions left in gK, gV, gX. */
    private void backToken(int n, float[] grad, float[] w) {
        TransformerNet.TokenTrains tt = tokens;
        int row = n * steps * d;
        lifBack(gK, row, tt.kv, tt.ks, row, d, gIk);
        layerGrads(gIk, d, tt.xs, row, d, null, 0, gKT, kB, grad);
        inputGrads(kW, d, d, gIk, gX, row, true);
        lifBack(gV, row, tt.vv, tt.vs, row, d, gIv);
        layerGrads(gIv, d, tt.xs, row, d, null, 0, gVT, vB, grad);
        inputGrads(vW, d, d, gIv, gX, row, true);
        lifBack(gX, row, tt.xv, tt.xs, row, d, gIx);
        // the embedding is the same input at every timestep: de = sum_t dI_t
        Arrays.fill(ge, 0f);
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < d; i++) {
                ge[i] += gIx[t * d + i];
            }
        }
        for (int i = 0; i < d; i++) {
            grad[embB + i] += ge[i];
        }
        int to = n * tok;
        for (int j = 0; j < tok; j++) {
            float x = tt.token[to + j];
            if (x == 0f) {
                continue;
            }
            int base = j * d;
            for (int i = 0; i < d; i++) {
                gEmbT[base + i] += x * ge[i];
            }
        }
    }

    private void lifBack(float[] gs, float[] v, float[] s, int off, int n, float[] gI) {
        lifBack(gs, 0, v, s, off, n, gI);
    }

    /**
     * Reverse-time pass of n LIF neurons over T timesteps (v, s rows at {@code off}); {@code gs} holds the gradient
     * arriving at the spikes ({@code gs[gsOff + t * n + i]}); writes dL/dI_t into {@code gI [T * n]}:
     * <pre>
     *   gs_t' = gs_t - vd v_t gv_{t+1}                 (s_t resets v_{t+1})
     *   gv_t  = gs_t' sur(v_t - th) + vd (1 - s_t) gv_{t+1}
     *   gc_t  = gv_t + cd gc_{t+1}                     (= dL/dI_t)
     * </pre>
     */
    private void lifBack(float[] gs, int gsOff, float[] v, float[] s, int off, int n, float[] gI) {
        Arrays.fill(gv, 0, n, 0f);
        Arrays.fill(gc, 0, n, 0f);
        final float vd = this.vd;
        final float cd = this.cd;
        final float th = this.th;
        final float width = this.width;
        final int bound = LANES.loopBound(n);
        for (int t = steps - 1; t >= 0; t--) {
            int row = off + t * n;
            int gRow = gsOff + t * n;
            int i = 0;
            for (; i < bound; i += L) {
                FloatVector vt = FloatVector.fromArray(LANES, v, row + i);
                FloatVector st = FloatVector.fromArray(LANES, s, row + i);
                FloatVector gvNext = FloatVector.fromArray(LANES, gv, i);
                FloatVector gsTotal = FloatVector.fromArray(LANES, gs, gRow + i).sub(vt.mul(vd).mul(gvNext));
                FloatVector sur = ZERO.blend(1f, vt.sub(th).abs().compare(VectorOperators.LT, width));
                FloatVector gvt = gsTotal.mul(sur).add(ONE.sub(st).mul(vd).mul(gvNext));
                FloatVector gct = gvt.add(FloatVector.fromArray(LANES, gc, i).mul(cd));
                gvt.intoArray(gv, i);
                gct.intoArray(gc, i);
                gct.intoArray(gI, t * n + i);
            }
            for (; i < n; i++) {
                float vt = v[row + i];
                float st = s[row + i];
                float gvNext = gv[i];
                float gsTotal = gs[gRow + i] - vt * vd * gvNext;
                float sur = Math.abs(vt - th) < width ? 1f : 0f;
                float gvt = gsTotal * sur + (1f - st) * vd * gvNext;
                float gct = gvt + gc[i] * cd;
                gv[i] = gvt;
                gc[i] = gct;
                gI[t * n + i] = gct;
            }
        }
    }

    /**
     * Bias and weight gradients of a layer with {@code out} neurons whose input at timestep t is
     * {@code x[xOff + t * in ..] (+ x2[x2Off + t * in ..] when x2 is not null)}: {@code db += sum_t gI_t},
     * {@code dW^T[j] += sum_t x_j gI_t}.
     */
    private void layerGrads(float[] gI, int out, float[] x, int xOff, int in, float[] x2, int x2Off, float[] gWt,
                            int biasOff, float[] grad) {
        for (int t = 0; t < steps; t++) {
            int g = t * out;
            for (int i = 0; i < out; i++) {
                grad[biasOff + i] += gI[g + i];
            }
            for (int j = 0; j < in; j++) {
                float xj = x[xOff + t * in + j];
                if (x2 != null) {
                    xj += x2[x2Off + t * in + j];
                }
                if (xj == 0f) {
                    continue;
                }
                int base = j * out;
                for (int i = 0; i < out; i++) {
                    gWt[base + i] += xj * gI[g + i];
                }
            }
        }
    }

    /**
     * {@code gIn_t = W^T gI_t} for every timestep, as row updates {@code gIn_t += gI_t[i] W[i]} over the
     * {@code [out, in]} weights at {@code wOff} (contiguous, and skipping the many zero gradients the
     * surrogate window leaves); {@code add} keeps what {@code gIn} held, otherwise it is overwritten.
     */
    private void inputGrads(int wOff, int in, int out, float[] gI, float[] gIn, int off, boolean add) {
        float[] w = params.values();
        if (!add) {
            Arrays.fill(gIn, off, off + steps * in, 0f);
        }
        for (int t = 0; t < steps; t++) {
            int row = off + t * in;
            for (int i = 0; i < out; i++) {
                float g = gI[t * out + i];
                if (g == 0f) {
                    continue;
                }
                int base = wOff + i * in;
                for (int j = 0; j < in; j++) {
                    gIn[row + j] += g * w[base + j];
                }
            }
        }
    }
}
