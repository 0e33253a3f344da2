package dev.myelin.trainer.seq;

import dev.myelin.trainer.nn.Adam;
import dev.myelin.trainer.nn.Mlp;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.PopSanActor;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.rl.OffPolicy;
import dev.myelin.trainer.run.CheckpointFile;

/**
 * Recurrent soft actor-critic (Haarnoja et al. 2018) for any {@link SequenceActor}, single- or multi-agent.
 * The actor's pre-squash output {@code z} is the Gaussian mean and a learned, state-independent
 * {@code log_std} per action dimension (clamped to [-20, 2]) its spread, so every family trains unchanged and
 * the robot runs the deterministic {@code tanh(z)} exactly as with TD3. On a batch of windows:
 * <pre>
 *   x = z + exp(log_std) eps,  u = tanh(x),  eps ~ N(0, 1)
 *   log pi(u | window) = sum over agents and dimensions of
 *                        -eps^2 / 2 - log_std - log(2 pi) / 2 - 2 (log 2 - x - softplus(-2 x))
 *   y_t  = r_t + gamma (1 - d_t) (min_i Q_i,targ(H_{t+1}, u_{t+1}) - alpha log pi(u_{t+1} | window))
 *   L_Q  = mean over loss steps (Q1(H_t, u_t) - y_t)^2 + (Q2(H_t, u_t) - y_t)^2
 *   L_pi = mean over loss steps (alpha log pi(u_t | window) - min_i Q_i(H_t, u_t))     back through time
 *   L_alpha = -log alpha (log pi + target entropy), target entropy = -(agents x action size)   (optional)
 * </pre>
 * The next actions come from the online actor over the window and one step more (there is no target actor);
 * the critic targets follow by polyak averaging every update; the actor, {@code log_std} and {@code alpha}
 * step every {@code policyDelay} updates. With several agents the joint policy's log-likelihood (the sum over
 * agents) enters the team's soft value. Rollouts sample {@code tanh(z + std eps)} from the stepper's
 * pre-squash output. Allocation-free per update after construction. The training thread.
 */
public final class SequenceSac extends SequenceLearner {
    static final String LOG_STD = "log_std";
    static final String LOG_ALPHA = "log_alpha";

    /** log_std (one per action dimension) and log_alpha: the policy's other trained values. */
    private final Parameters extra;
    private final Adam extraOpt;
    private final int logStdOff;
    private final int logAlphaOff;
    private final float[] std;
    private final float[] logStd;
    private final float[] eps;
    private final float[] sampled;
    private final float[] logp;
    private final float[] gq1Input;
    private final float[] gq2Input;
    private double lastLogp = Double.NaN;

    public SequenceSac(SequenceActor actor, Settings settings, float initialLogStd, int agents, long seed) {
        super(actor, settings, agents, seed);
        if (!(initialLogStd >= PopSanActor.LOG_STD_MIN && initialLogStd <= PopSanActor.LOG_STD_MAX)) {
            throw new IllegalArgumentException("sac_log_std must be in [" + PopSanActor.LOG_STD_MIN + ", "
                    + PopSanActor.LOG_STD_MAX + "], got " + initialLogStd);
        }
        extra = Parameters.builder().add(LOG_STD, act).add(LOG_ALPHA, 1).build();
        logStdOff = extra.offset(LOG_STD);
        logAlphaOff = extra.offset(LOG_ALPHA);
        float[] v = extra.values();
        for (int j = 0; j < act; j++) {
            v[logStdOff + j] = initialLogStd;
        }
        v[logAlphaOff] = (float) Math.log(settings.alpha());
        extraOpt = new Adam(extra, settings.actorLr());
        int rows = settings.batch() * settings.length();
        std = new float[act];
        logStd = new float[act];
        eps = new float[rows * agents * act];
        sampled = new float[rows * agents * act];
        logp = new float[rows];
        gq1Input = new float[rows * agents * act];
        gq2Input = new float[rows * agents * act];
        readExtra();
    }

    @Override
    public String algorithm() {
        return "sac";
    }

    /** The entropy temperature. */
    public double alpha() {
        return Math.exp(extra.values()[logAlphaOff]);
    }

    /** The policy's standard deviation of dimension {@code j} before the squash. */
    public double standardDeviation(int j) {
        return std[j];
    }

    /** Mean joint log-likelihood of the last actor step's samples. */
    public double lastLogLikelihood() {
        return lastLogp;
    }

    /** log_std and log_alpha (trained alongside the actor). */
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

    /**
     * Samples every loss row's and agent's action {@code shift} steps after the row from the pre-squash outputs
     * {@code z} (sequence layout) into {@link #sampled} (row layout), keeping the noise in {@link #eps} and each
     * row's joint log-likelihood in {@link #logp}.
     */
    private void sample(float[] z, SequenceReplay.Batch b, int shift) {
        for (int k = 0; k < b.rows; k++) {
            double lp = 0;
            for (int r = 0; r < agents; r++) {
                int from = sequenceIndex(b, k, r, shift);
                int to = (k * agents + r) * act;
                for (int j = 0; j < act; j++) {
                    float e = (float) noise.nextGaussian();
                    float x = OffPolicy.preSquashSample(z[from + j], std[j], e);
                    eps[to + j] = e;
                    sampled[to + j] = (float) Math.tanh(x);
                    lp += OffPolicy.squashedLogLikelihood(e, logStd[j], x);
                }
            }
            logp[k] = (float) lp;
        }
    }

    /**
     * Samples every loss row's actions {@code shift} steps after the row from the actor's last forward pass and
     * puts them with {@code history} into the inputs of the critic pair {@code first}, {@code second}.
     */
    private void sampleInto(Mlp first, Mlp second, float[] history, SequenceReplay.Batch b, int shift) {
        sample(actor.preSquash(), b, shift);
        float[] in = first.input();
        fillHistory(in, history, b);
        for (int k = 0; k < b.rows; k++) {
            System.arraycopy(sampled, k * agents * act, in, k * criticInput + b.historyWidth, agents * act);
        }
        System.arraycopy(in, 0, second.input(), 0, b.rows * criticInput);
    }

    @Override
    protected void criticTargets(SequenceReplay.Batch b) {
        int rows = b.rows;
        actor.forward(b.observations, b.previousActions, b.previousRewards, b.batch * agents, s.window() + 1);
        sampleInto(critics.q1Target, critics.q2Target, b.historyNext, b, 1);
        critics.softTargets(b.reward, b.terminal, 0, s.gamma(), (float) alpha(), logp, rows, y);
    }

    @Override
    protected void policyStep(SequenceReplay.Batch b) {
        if (policyStepDue(s.policyDelay())) {
            actorStep(b);
        }
        criticTargetParams.polyakFrom(criticParams, s.polyak());
    }

    private void actorStep(SequenceReplay.Batch b) {
        policyGradients(b);
        actorOpt.step();
        actor.refreshWeights();
        extraOpt.step();
        readExtra();
    }

    /**
     * {@code L_pi} on a batch with fresh noise: returns it and leaves its gradients in the actor's and
     * {@link #extraParameters()}'s gradient arrays (and the temperature's gradient when it is tuned).
     */
    double policyGradients(SequenceReplay.Batch b) {
        int rows = b.rows;
        actor.forward(b.observations, b.previousActions, b.previousRewards, b.batch * agents, s.window());
        sampleInto(critics.q1, critics.q2, b.historyNow, b, 0);
        float alpha = (float) alpha();
        float inv = 1f / rows;
        double loss = critics.softPolicyLoss(rows, alpha, logp, -inv, gq1Input, gq2Input, b.historyWidth, agents * act);
        lastActorLoss = loss / rows;
        lastLogp = critics.logLikelihoodSum() / rows;
        extra.zeroGradients();
        float[] gExtra = extra.gradients();
        float ka = alpha * inv;
        int n = rows * agents * act;
        for (int i = 0; i < n; i++) {
            int j = i % act;
            float u = sampled[i];
            float gx = OffPolicy.sacPreSquashGradient(gq1Input[i] + gq2Input[i], u, ka);
            gAction[i] = gx;
            gExtra[logStdOff + j] += OffPolicy.logStdGradient(gx, std[j], eps[i], ka);
        }
        float[] v = extra.values();
        for (int j = 0; j < act; j++) {
            if (OffPolicy.logStdClamped(v[logStdOff + j])) {
                gExtra[logStdOff + j] = 0f;
            }
        }
        if (s.autoAlpha()) {
            gExtra[logAlphaOff] = (float) -(lastLogp - agents * act);
        }
        scatterActionGradients(b);
        actor.parameters().zeroGradients();
        actor.backwardPreSquash(actionGrad);
        return lastActorLoss;
    }

    /** Re-reads log_std after its values were changed in place. */
    void refreshExtra() {
        readExtra();
    }

    /** {@code u = tanh(z + std eps)}: a sample of the current policy. */
    @Override
    public void explore(float[] actions, float[] preSquash, int n, RandomStream rnd) {
        for (int i = 0; i < n; i++) {
            actions[i] = (float) Math.tanh(preSquash[i] + std[i % act] * rnd.nextGaussian());
        }
    }

    @Override
    public void save(CheckpointFile ck) {
        super.save(ck);
        ck.put("sac_extra", extra.values());
        ck.put("sac_extra_adam_m", extraOpt.firstMoments());
        ck.put("sac_extra_adam_v", extraOpt.secondMoments());
        ck.put("sac_extra_adam_steps", new long[] {extraOpt.steps()});
    }

    @Override
    public void restore(CheckpointFile ck) {
        super.restore(ck);
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
