package dev.myelin.trainer.rl;

import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.nn.Adam;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.run.CheckpointFile;

import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Soft actor-critic (Haarnoja et al. 2018) for any actor the {@link Learner} drives. The actor's pre-squash output
 * {@code z} is the Gaussian mean; its spread {@code log_std} (clamped to [-20, 2]) comes in one of two forms:
 * <ul>
 *   <li>PopSAN's: a second readout of the actor's output population, state-dependent, trained through the actor;
 *       the actor steps every update and the temperature (optionally tuned) has an Adam of its own at the
 *       critic's rate, its gradient averaged over ranks;</li>
 *   <li>for actors without that readout (the sequence families): one learned {@code log_std} per action dimension,
 *       state-independent, so every family trains unchanged and the robot runs {@code tanh(z)} exactly as with
 *       TD3; {@code log_std} and {@code log alpha} are stepped with the actor (Adam at the actor's rate) every
 *       {@code policy_delay} updates.</li>
 * </ul>
 * On the rows {@code (s, u, r, s', d)}, with {@code x = z + exp(log_std) eps}, {@code u = tanh(x)}:
 * <pre>
 *   log pi(u | s) = sum over agents and dimensions of -eps^2 / 2 - log_std - log(2 pi) / 2 - 2 (log 2 - x - softplus(-2 x))
 *   y    = r + gamma (1 - d) (min_i Q_i,targ(s', u') - alpha log pi(u' | s'))     (u' from the actor, no target actor)
 *   L_Q  = mean (Q1(s, u) - y)^2 + mean (Q2(s, u) - y)^2
 *   L_pi = mean (alpha log pi(u | s) - min_i Q_i(s, u))                              (back through time for a sequence actor)
 *   L_alpha = -log alpha (log pi + target entropy), target entropy = -(agents x action size)   (optional)
 * </pre>
 * then polyak averaging of the critic targets every update. The deployed policy acts with {@code tanh(z)};
 * rollouts sample {@code tanh(z + std eps)}. The training thread.
 *
 * @param <B> the batch type
 */
public final class Sac<B> extends Learner<B> {
    public static final String LOG_STD = "log_std";
    public static final String LOG_ALPHA = "log_alpha";

    /** Whether the actor reads out its log_std (PopSAN's form); otherwise {@link #extra} holds it. */
    private final boolean readout;
    private final int act;
    private final float[] nextEps;
    private final float[] actorEps;
    private final IntConsumer criticPhase = this::criticPhase;
    private final IntConsumer actorPhase = this::actorPhase;
    private float alpha;
    // PopSAN's form: the temperature's own Adam
    private final double[] alphaGradient = new double[1];
    private double logAlpha;
    private double alphaM;
    private double alphaV;
    private long alphaSteps;
    // the learned form: log_std (one per action dimension) and log_alpha, trained with the actor
    private final Parameters extra;
    private final Adam extraOpt;
    private final int logStdOff;
    private final int logAlphaOff;
    private final float[] std;
    private final float[] logStd;
    private double lastLogp = Double.NaN;

    Sac(LearnerSettings settings, Communicator comm, PolicyModel<B> model, RandomStream criticInit, long seed) {
        super(settings, comm, model, criticInit, seed);
        readout = model.logStdReadout();
        act = model.actionSize();
        nextEps = new float[model.maxRows() * width];
        actorEps = new float[model.maxRows() * width];
        logAlpha = Math.log(Math.max(settings.alpha(), 1e-8));
        if (readout) {
            extra = null;
            extraOpt = null;
            logStdOff = -1;
            logAlphaOff = -1;
            std = null;
            logStd = null;
        } else {
            if (replicas.length > 1) {
                throw new IllegalArgumentException("SAC with a learned log_std runs on one thread");
            }
            if (!(settings.alpha() > 0f)) {
                throw new IllegalArgumentException("sac_alpha must be positive and finite, got " + settings.alpha());
            }
            extra = Parameters.builder().add(LOG_STD, act).add(LOG_ALPHA, 1).build();
            logStdOff = extra.offset(LOG_STD);
            logAlphaOff = extra.offset(LOG_ALPHA);
            float[] v = extra.values();
            for (int j = 0; j < act; j++) {
                v[logStdOff + j] = settings.initialLogStd();
            }
            v[logAlphaOff] = (float) Math.log(settings.alpha());
            extraOpt = new Adam(extra, settings.actorLr());
            std = new float[act];
            logStd = new float[act];
            readExtra();
        }
    }

    @Override
    protected Parameters secondActorParameters() {
        return actorParams;
    }

    @Override
    public String algorithm() {
        return "sac";
    }

    /** The entropy temperature. */
    public double alpha() {
        return readout ? Math.exp(logAlpha) : Math.exp(extra.values()[logAlphaOff]);
    }

    /** The learned standard deviation of dimension {@code j} before the squash (actors without a readout). */
    public double standardDeviation(int j) {
        return std[j];
    }

    /** Mean joint log-likelihood of the last actor step's samples. */
    public double lastLogLikelihood() {
        return lastLogp;
    }

    /** log_std and log_alpha of the learned form (trained alongside the actor); null for PopSAN's readout. */
    public Parameters extraParameters() {
        return extra;
    }

    private void readExtra() {
        float[] v = extra.values();
        for (int j = 0; j < act; j++) {
            logStd[j] = OffPolicy.clampLogStd(v[logStdOff + j]);
            std[j] = (float) Math.exp(logStd[j]);
        }
    }

    /** Re-reads the learned log_std after its values were changed in place. */
    public void refreshExtra() {
        readExtra();
    }

    /** {@code u = tanh(z + std eps)}: a sample of the current policy. */
    @Override
    public void explore(float[] actions, float[] preSquash, float[] ls, int n, RandomStream rnd) {
        if (readout) {
            for (int i = 0; i < n; i++) {
                actions[i] = (float) Math.tanh(preSquash[i] + Math.exp(OffPolicy.clampLogStd(ls[i])) * rnd.nextGaussian());
            }
        } else {
            for (int i = 0; i < n; i++) {
                actions[i] = (float) Math.tanh(preSquash[i] + std[i % act] * rnd.nextGaussian());
            }
        }
    }

    @Override
    protected void step() {
        alpha = (float) alpha();
        draw(nextEps);
        criticUpdate(criticPhase);
        if (readout || policyStepDue()) {
            draw(actorEps);
            double meanLogp = actorUpdate(actorPhase, false);
            lastLogp = meanLogp;
            if (readout) {
                if (s.autoAlpha()) {
                    updateAlpha(meanLogp);
                }
            } else {
                extraOpt.step();
                readExtra();
            }
        }
        updateCriticTargets();
    }

    private void draw(float[] eps) {
        for (int i = 0; i < total * width; i++) {
            eps[i] = (float) noise.nextGaussian();
        }
    }

    /**
     * Samples u = tanh(z + std eps) for replica {@code r}'s rows from the pre-squash outputs {@code z} (and the
     * readout {@code ls}) of its last pass, with the batch-wide noise {@code eps}; keeps each row's joint
     * log-likelihood in {@code r.logp}.
     */
    private void sample(Replica r, float[] z, float[] ls, float[] eps) {
        int off = r.rows.rowOffset() * width;
        for (int b = 0; b < r.rows.rows(); b++) {
            double lp = 0;
            for (int j = 0; j < width; j++) {
                int i = b * width + j;
                float l = readout ? OffPolicy.clampLogStd(ls[i]) : logStd[j % act];
                float sd = readout ? (float) Math.exp(l) : std[j % act];
                float e = eps[off + i];
                float x = OffPolicy.preSquashSample(z[i], sd, e);
                r.eps[i] = e;
                r.std[i] = sd;
                r.u[i] = (float) Math.tanh(x);
                lp += OffPolicy.squashedLogLikelihood(e, l, x);
            }
            r.logp[b] = (float) lp;
        }
    }

    private void criticPhase(int k) {
        Replica r = startPhase(k, true);
        PolicyRows<B> p = r.rows;
        sample(r, p.preSquash(), readout ? p.logStd() : null, nextEps);
        r.criticInput(r.critics.q1Target, true, r.u);
        r.criticInput(r.critics.q2Target, true, r.u);
        r.critics.softTargets(p.rewards(), p.terminals(), p.rowOffset(), s.gamma(), alpha, r.logp, p.rows(), r.target);
        regressCritics(r);
    }

    private void actorPhase(int k) {
        Replica r = startPhase(k, false);
        PolicyRows<B> p = r.rows;
        int n = p.rows();
        float[] ls = readout ? p.logStd() : null;
        sample(r, p.preSquash(), ls, actorEps);
        r.criticInput(r.critics.q1, false, r.u);
        r.criticInput(r.critics.q2, false, r.u);
        float scale = actorScaler.scale();
        r.actorLoss = r.critics.softPolicyLoss(n, alpha, r.logp, -scale / total, r.gU1, r.gU2, stateWidth, width);
        r.meanLogp = r.critics.logLikelihoodSum();
        float[] u = r.u;
        if (readout) {
            float ka = scale * alpha / total;
            for (int i = 0; i < n * width; i++) {
                float gx = OffPolicy.sacPreSquashGradient(r.gU1[i] + r.gU2[i], u[i], ka);
                r.gZ[i] = gx;
                r.gLogStd[i] = OffPolicy.logStdClamped(ls[i]) ? 0f : OffPolicy.logStdGradient(gx, r.std[i], r.eps[i], ka);
            }
            p.backwardPreSquash(r.gZ, r.gLogStd, r.actorGrad);
        } else {
            float ka = alpha * (scale / total);
            extra.zeroGradients();
            float[] gExtra = extra.gradients();
            for (int i = 0; i < n * width; i++) {
                int j = i % act;
                float gx = OffPolicy.sacPreSquashGradient(r.gU1[i] + r.gU2[i], u[i], ka);
                r.gZ[i] = gx;
                gExtra[logStdOff + j] += OffPolicy.logStdGradient(gx, std[j], r.eps[i], ka);
            }
            float[] v = extra.values();
            for (int j = 0; j < act; j++) {
                if (OffPolicy.logStdClamped(v[logStdOff + j])) {
                    gExtra[logStdOff + j] = 0f;
                }
            }
            if (s.autoAlpha()) {
                gExtra[logAlphaOff] = (float) -(r.meanLogp / total - width);
            }
            p.backwardPreSquash(r.gZ, null, r.actorGrad);
        }
    }

    /**
     * {@code L_pi} on a batch with fresh noise, without a step: returns it and leaves its gradients in the actor's
     * gradient array (and the learned form's in {@link #extraParameters()}).
     */
    public double policyGradients(B b) {
        bind(b);
        alpha = (float) alpha();
        draw(actorEps);
        lastLogp = actorGradients(actorPhase);
        return lastActorLoss;
    }

    /** Temperature step of PopSAN's form on {@code L = -log_alpha (log pi + target_entropy)}, Adam with the critic's rate. */
    private void updateAlpha(double meanLogp) {
        alphaGradient[0] = -(meanLogp - width);
        comm.sum(alphaGradient, 1);
        double grad = alphaGradient[0] / comm.size();
        alphaSteps++;
        alphaM = 0.9 * alphaM + 0.1 * grad;
        alphaV = 0.999 * alphaV + 0.001 * grad * grad;
        double mh = alphaM / (1 - Math.pow(0.9, alphaSteps));
        double vh = alphaV / (1 - Math.pow(0.999, alphaSteps));
        logAlpha -= s.criticLr() * mh / (Math.sqrt(vh) + 1e-8);
    }

    @Override
    public Map<String, float[]> sharedFloats() {
        Map<String, float[]> m = super.sharedFloats();
        if (!readout) {
            m.put("sac_extra", extra.values());
            m.put("sac_extra_adam.m", extraOpt.firstMoments());
            m.put("sac_extra_adam.v", extraOpt.secondMoments());
        }
        return m;
    }

    @Override
    public Map<String, long[]> sharedCounters() {
        Map<String, long[]> m = super.sharedCounters();
        if (readout) {
            m.put("sac_alpha", alphaState());
        } else {
            m.put("sac_extra_adam.steps", new long[] {extraOpt.steps()});
        }
        return m;
    }

    private long[] alphaState() {
        return new long[] {Double.doubleToRawLongBits(logAlpha), Double.doubleToRawLongBits(alphaM),
                Double.doubleToRawLongBits(alphaV), alphaSteps};
    }

    private void restoreAlpha(long[] a) {
        if (a.length != 4) {
            throw new IllegalArgumentException("checkpoint entry 'sac_alpha' must hold 4 numbers");
        }
        logAlpha = Double.longBitsToDouble(a[0]);
        alphaM = Double.longBitsToDouble(a[1]);
        alphaV = Double.longBitsToDouble(a[2]);
        alphaSteps = a[3];
    }

    @Override
    public void restoreCounters(Map<String, long[]> m) {
        super.restoreCounters(m);
        if (readout) {
            restoreAlpha(require(m, "sac_alpha"));
        } else {
            extraOpt.restoreSteps(single(m, "sac_extra_adam.steps"));
            readExtra();
        }
    }

    @Override
    public void save(CheckpointFile ck) {
        super.save(ck);
        if (readout) {
            ck.put("sac_alpha", alphaState());
            return;
        }
        ck.put("sac_extra", extra.values());
        ck.put("sac_extra_adam_m", extraOpt.firstMoments());
        ck.put("sac_extra_adam_v", extraOpt.secondMoments());
        ck.put("sac_extra_adam_steps", new long[] {extraOpt.steps()});
    }

    @Override
    public void restore(CheckpointFile ck) {
        super.restore(ck);
        if (readout) {
            restoreAlpha(ck.longs(require(ck, "sac_alpha")));
            return;
        }
        copy(ck, "sac_extra", extra.values());
        copy(ck, "sac_extra_adam_m", extraOpt.firstMoments());
        copy(ck, "sac_extra_adam_v", extraOpt.secondMoments());
        if (!ck.has("sac_extra_adam_steps") || ck.longs("sac_extra_adam_steps").length != 1) {
            throw new IllegalArgumentException("checkpoint entry 'sac_extra_adam_steps' must hold 1 number");
        }
        extraOpt.restoreSteps(ck.longs("sac_extra_adam_steps")[0]);
        readExtra();
    }
}
