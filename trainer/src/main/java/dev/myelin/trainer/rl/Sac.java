package dev.myelin.trainer.rl;

import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.nn.PopSanActor;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.run.TrainConfig;

import java.util.Map;

/**
 * Soft actor-critic (Haarnoja et al. 2018) with a spiking mean: the PopSAN decoder gives the mean
 * {@code mu}, a second readout of the same output population gives {@code log_std} (clamped to [-20, 2]),
 * and actions are {@code u = tanh(mu + exp(log_std) eps)}. With the entropy temperature alpha (PopSAN:
 * 0.2, optionally tuned towards entropy {@code -act}):
 * <pre>
 *   y    = r + gamma (1 - d) (min_i Q_i,targ(o', u') - alpha log pi(u'|o'))
 *   L_Q  = mean (Q1(o, u) - y)^2 + mean (Q2(o, u) - y)^2
 *   L_pi = mean (alpha log pi(u|o) - min_i Q_i(o, u))
 *   log pi(u|o) = sum_j [ -eps_j^2 / 2 - log_std_j - log(2 pi) / 2 - 2 (log 2 - x_j - softplus(-2 x_j)) ]
 * </pre>
 * with {@code x = mu + std eps}. The deployed policy acts with {@code tanh(mu)}. The training thread.
 */
public final class Sac extends Learner {
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
    private static final double LOG2 = Math.log(2);

    private final PopSanActor nextActor;
    private final float[] target;
    private final float[] u;
    private final float[] eps;
    private final float[] std;
    private final float[] logp;
    private final float[] gq1;
    private final float[] gq2;
    private final float[] gU1;
    private final float[] gU2;
    private final float[] gZ;
    private final float[] gLogStd;
    private double logAlpha;
    private double alphaM;
    private double alphaV;
    private long alphaSteps;

    Sac(TrainConfig config, Communicator comm, int obs, int act, int actingBatch, long seed) {
        super(config, comm, obs, act, actingBatch, true, seed);
        nextActor = new PopSanActor(actorParams, shape, config.surrogate, config.surrogateWidth, batch, rounding);
        target = new float[batch];
        u = new float[batch * act];
        eps = new float[batch * act];
        std = new float[batch * act];
        logp = new float[batch];
        gq1 = new float[batch];
        gq2 = new float[batch];
        gU1 = new float[batch * act];
        gU2 = new float[batch * act];
        gZ = new float[batch * act];
        gLogStd = new float[batch * act];
        logAlpha = Math.log(Math.max(config.sacAlpha, 1e-8));
    }

    private float alpha() {
        return (float) Math.exp(logAlpha);
    }

    static float clampLogStd(float x) {
        return Math.max(PopSanActor.LOG_STD_MIN, Math.min(PopSanActor.LOG_STD_MAX, x));
    }

    @Override
    public void act(float[] obsNorm, int n, float[] out, boolean explore, RandomStream rnd) {
        System.arraycopy(obsNorm, 0, rollout.input(), 0, n * obs);
        rollout.forward(n);
        float[] mu = rollout.preActivation();
        float[] mean = rollout.action();
        float[] ls = explore ? rollout.logStd() : null;
        for (int i = 0; i < n * act; i++) {
            out[i] = explore ? (float) Math.tanh(mu[i] + Math.exp(clampLogStd(ls[i])) * rnd.nextGaussian()) : mean[i];
        }
    }

    /** Samples u = tanh(mu + std eps) from {@code net}'s last forward pass and its log-likelihood. */
    private void sample(PopSanActor net, int n) {
        float[] mu = net.preActivation();
        float[] ls = net.logStd();
        for (int b = 0; b < n; b++) {
            double lp = 0;
            for (int j = 0; j < act; j++) {
                int i = b * act + j;
                float l = clampLogStd(ls[i]);
                float s = (float) Math.exp(l);
                float e = (float) noise.nextGaussian();
                float x = mu[i] + s * e;
                eps[i] = e;
                std[i] = s;
                u[i] = (float) Math.tanh(x);
                lp += -0.5 * e * e - l - HALF_LOG_2PI - 2 * (LOG2 - x - softplus(-2.0 * x));
            }
            logp[b] = (float) lp;
        }
    }

    private static double softplus(double y) {
        return Math.max(y, 0) + Math.log1p(Math.exp(-Math.abs(y)));
    }

    @Override
    public void update(ReplayBuffer.Batch b) {
        updates++;
        int n = b.size;
        float alpha = alpha();
        // ---- critic ----
        System.arraycopy(b.next, 0, nextActor.input(), 0, n * obs);
        nextActor.forward(n);
        sample(nextActor, n);
        criticInput(q1Target, b.next, u, n);
        criticInput(q2Target, b.next, u, n);
        float[] t1 = q1Target.forward(n);
        float[] t2 = q2Target.forward(n);
        for (int i = 0; i < n; i++) {
            target[i] = b.reward[i] + config.gamma * (1f - b.terminal[i]) * (Math.min(t1[i], t2[i]) - alpha * logp[i]);
        }
        criticInput(q1, b.obs, b.action, n);
        criticInput(q2, b.obs, b.action, n);
        float[] v1 = q1.forward(n);
        float[] v2 = q2.forward(n);
        double loss = 0;
        double meanQ = 0;
        float k = 2f * criticScaler.scale() / n;
        for (int i = 0; i < n; i++) {
            float e1 = v1[i] - target[i];
            float e2 = v2[i] - target[i];
            loss += (double) e1 * e1 + (double) e2 * e2;
            meanQ += v1[i];
            gq1[i] = k * e1;
            gq2[i] = k * e2;
        }
        lastCriticLoss = loss / n;
        lastMeanQ = meanQ / n;
        criticParams.zeroGradients();
        q1.backward(gq1, true, null, 0, 0);
        q2.backward(gq2, true, null, 0, 0);
        stepCritic();

        // ---- actor ----
        System.arraycopy(b.obs, 0, actor.input(), 0, n * obs);
        actor.forward(n);
        sample(actor, n);
        criticInput(q1, b.obs, u, n);
        criticInput(q2, b.obs, u, n);
        float[] a1 = q1.forward(n);
        float[] a2 = q2.forward(n);
        float scale = actorScaler.scale();
        double pl = 0;
        double meanLogp = 0;
        for (int i = 0; i < n; i++) {
            boolean first = a1[i] <= a2[i];
            pl += alpha * logp[i] - Math.min(a1[i], a2[i]);
            meanLogp += logp[i];
            // d(-min(Q1, Q2))/dQ_i goes to the smaller one
            gq1[i] = first ? -scale / n : 0f;
            gq2[i] = first ? 0f : -scale / n;
        }
        lastActorLoss = pl / n;
        q1.backward(gq1, false, gU1, obs, act);
        q2.backward(gq2, false, gU2, obs, act);
        float[] ls = actor.logStd();
        float ka = scale * alpha / n;
        for (int i = 0; i < n * act; i++) {
            // d/dx of alpha log pi: 2 tanh(x) = 2u (tanh correction); of -Q: gU (1 - u^2)
            float gx = (gU1[i] + gU2[i]) * (1f - u[i] * u[i]) + ka * 2f * u[i];
            gZ[i] = gx;
            boolean clamped = ls[i] < PopSanActor.LOG_STD_MIN || ls[i] > PopSanActor.LOG_STD_MAX;
            // x = mu + exp(l) eps, and alpha log pi has -l: d/dl = gx std eps - alpha
            gLogStd[i] = clamped ? 0f : gx * std[i] * eps[i] - ka;
        }
        actorParams.zeroGradients();
        actor.backward(gZ, gLogStd);
        stepActor();
        nextActor.refreshWeights();
        if (config.sacAutoAlpha) {
            updateAlpha(meanLogp / n);
        }
        updateTargets();
    }

    /** Temperature step on {@code L = -log_alpha (log pi + target_entropy)}, Adam with the critic's rate. */
    private void updateAlpha(double meanLogp) {
        double[] g = {-(meanLogp - act)};
        comm.sum(g, 1);
        double grad = g[0] / comm.size();
        alphaSteps++;
        alphaM = 0.9 * alphaM + 0.1 * grad;
        alphaV = 0.999 * alphaV + 0.001 * grad * grad;
        double mh = alphaM / (1 - Math.pow(0.9, alphaSteps));
        double vh = alphaV / (1 - Math.pow(0.999, alphaSteps));
        logAlpha -= config.criticLr * mh / (Math.sqrt(vh) + 1e-8);
    }

    /** Current entropy temperature. */
    public double temperature() {
        return alpha();
    }

    @Override
    public void refreshAll() {
        super.refreshAll();
        nextActor.refreshWeights();
    }

    @Override
    public Map<String, long[]> sharedCounters() {
        Map<String, long[]> m = super.sharedCounters();
        m.put("sac_alpha", new long[] {Double.doubleToRawLongBits(logAlpha), Double.doubleToRawLongBits(alphaM),
                Double.doubleToRawLongBits(alphaV), alphaSteps});
        return m;
    }

    @Override
    public void restoreCounters(Map<String, long[]> m) {
        super.restoreCounters(m);
        long[] a = require(m, "sac_alpha");
        if (a.length != 4) {
            throw new IllegalArgumentException("checkpoint entry 'sac_alpha' must hold 4 numbers");
        }
        logAlpha = Double.longBitsToDouble(a[0]);
        alphaM = Double.longBitsToDouble(a[1]);
        alphaV = Double.longBitsToDouble(a[2]);
        alphaSteps = a[3];
    }
}
