package dev.myelin.trainer.rl;

import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.PopSanActor;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.run.TrainConfig;

import java.util.Map;
import java.util.function.IntConsumer;

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
    private final float[] nextEps;
    private final float[] actorEps;
    private final IntConsumer criticPhase = this::criticPhase;
    private final IntConsumer actorPhase = this::actorPhase;
    private final double[] alphaGradient = new double[1];
    private float alpha;
    private double logAlpha;
    private double alphaM;
    private double alphaV;
    private long alphaSteps;

    Sac(TrainConfig config, Communicator comm, int obs, int act, int actingBatch, long seed) {
        super(config, comm, obs, act, actingBatch, true, seed);
        nextEps = new float[batch * act];
        actorEps = new float[batch * act];
        logAlpha = Math.log(Math.max(config.sacAlpha, 1e-8));
        createSecondActors();
    }

    @Override
    protected Parameters secondActorParameters() {
        return actorParams;
    }

    @Override
    public void act(float[] obsNorm, int n, float[] out, boolean explore, RandomStream rnd) {
        System.arraycopy(obsNorm, 0, rollout.input(), 0, n * obs);
        rollout.forward(n);
        float[] mu = rollout.preActivation();
        float[] mean = rollout.action();
        float[] ls = explore ? rollout.logStd() : null;
        for (int i = 0; i < n * act; i++) {
            out[i] = explore ? (float) Math.tanh(mu[i] + Math.exp(OffPolicy.clampLogStd(ls[i])) * rnd.nextGaussian()) : mean[i];
        }
    }

    /** Samples u = tanh(mu + std eps) from {@code net}'s last forward pass (replica rows) and its log-likelihood. */
    private void sample(Replica r, PopSanActor net, float[] noiseBatch) {
        float[] mu = net.preActivation();
        float[] ls = net.logStd();
        for (int b = 0; b < r.rows; b++) {
            double lp = 0;
            for (int j = 0; j < act; j++) {
                int i = b * act + j;
                float l = OffPolicy.clampLogStd(ls[i]);
                float s = (float) Math.exp(l);
                float e = noiseBatch[r.lo * act + i];
                float x = OffPolicy.preSquashSample(mu[i], s, e);
                r.eps[i] = e;
                r.std[i] = s;
                r.u[i] = (float) Math.tanh(x);
                lp += OffPolicy.squashedLogLikelihood(e, l, x);
            }
            r.logp[b] = (float) lp;
        }
    }

    @Override
    public void update(ReplayBuffer.Batch b) {
        begin(b);
        alpha = (float) Math.exp(logAlpha);
        for (int i = 0; i < batch * act; i++) {
            nextEps[i] = (float) noise.nextGaussian();
        }
        for (int i = 0; i < batch * act; i++) {
            actorEps[i] = (float) noise.nextGaussian();
        }
        criticUpdate(criticPhase);

        double meanLogp = actorUpdate(actorPhase, false);
        if (config.sacAutoAlpha) {
            updateAlpha(meanLogp);
        }
        updateTargets();
    }

    private void criticPhase(int k) {
        Replica r = startPhase(k, true);
        ReplayBuffer.Batch b = current;
        int n = r.rows;
        sample(r, r.second, nextEps);
        r.criticInput(r.critics.q1Target, b.next, r.u, 0);
        r.criticInput(r.critics.q2Target, b.next, r.u, 0);
        r.critics.softTargets(b.reward, b.terminal, r.lo, config.gamma, alpha, r.logp, n, r.target);
        regressCritics(r, b);
    }

    private void actorPhase(int k) {
        Replica r = startPhase(k, false);
        ReplayBuffer.Batch b = current;
        int n = r.rows;
        sample(r, r.actor, actorEps);
        r.criticInput(r.critics.q1, b.obs, r.u, 0);
        r.criticInput(r.critics.q2, b.obs, r.u, 0);
        float scale = actorScaler.scale();
        r.actorLoss = r.critics.softPolicyLoss(n, alpha, r.logp, -scale / batch, r.gU1, r.gU2, obs, act);
        r.meanLogp = r.critics.logLikelihoodSum();
        float[] ls = r.actor.logStd();
        float ka = scale * alpha / batch;
        float[] u = r.u;
        for (int i = 0; i < n * act; i++) {
            float gx = OffPolicy.sacPreSquashGradient(r.gU1[i] + r.gU2[i], u[i], ka);
            r.gZ[i] = gx;
            boolean clamped = OffPolicy.logStdClamped(ls[i]);
            r.gLogStd[i] = clamped ? 0f : OffPolicy.logStdGradient(gx, r.std[i], r.eps[i], ka);
        }
        r.actor.backward(r.gZ, r.gLogStd, r.actorGrad);
    }

    /** Temperature step on {@code L = -log_alpha (log pi + target_entropy)}, Adam with the critic's rate. */
    private void updateAlpha(double meanLogp) {
        alphaGradient[0] = -(meanLogp - act);
        comm.sum(alphaGradient, 1);
        double grad = alphaGradient[0] / comm.size();
        alphaSteps++;
        alphaM = 0.9 * alphaM + 0.1 * grad;
        alphaV = 0.999 * alphaV + 0.001 * grad * grad;
        double mh = alphaM / (1 - Math.pow(0.9, alphaSteps));
        double vh = alphaV / (1 - Math.pow(0.999, alphaSteps));
        logAlpha -= config.criticLr * mh / (Math.sqrt(vh) + 1e-8);
    }

    /** Current entropy temperature. */
    public double temperature() {
        return Math.exp(logAlpha);
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
