package dev.myelin.trainer.rl;

import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.PopSanActor;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.run.TrainConfig;

import java.util.Map;

/**
 * TD3 (Fujimoto et al. 2018) with PopSAN's spiking actor, as in PopSAN and SpikeRL. Per update, on a
 * batch {@code (o, u, r, o', d)}:
 * <pre>
 *   u'  = clip(pi_targ(o') + clip(N(0, target_noise), -noise_clip, noise_clip), -1, 1)
 *   y   = r + gamma (1 - d) min(Q1_targ(o', u'), Q2_targ(o', u'))
 *   L_Q = mean (Q1(o, u) - y)^2 + mean (Q2(o, u) - y)^2
 * </pre>
 * and every {@code policy_delay} updates {@code L_pi = -mean Q1(o, pi(o))}, then polyak averaging of
 * both targets. Actions are in [-1, 1] units of each channel's range. Allocation-free per update after
 * construction. The training thread.
 */
public final class Td3 extends Learner {
    private final Parameters actorTargetParams;
    private final PopSanActor actorTarget;
    private final float[] target;
    private final float[] nextAction;
    private final float[] gq1;
    private final float[] gq2;
    private final float[] gU;
    private final float[] gZ;

    Td3(TrainConfig config, Communicator comm, int obs, int act, int actingBatch, long seed) {
        super(config, comm, obs, act, actingBatch, false, seed);
        actorTargetParams = actorParams.copy();
        actorTarget = new PopSanActor(actorTargetParams, shape, config.surrogate, config.surrogateWidth, batch, rounding);
        target = new float[batch];
        nextAction = new float[batch * act];
        gq1 = new float[batch];
        gq2 = new float[batch];
        gU = new float[batch * act];
        gZ = new float[batch * act];
    }

    @Override
    public void act(float[] obsNorm, int n, float[] u, boolean explore, RandomStream rnd) {
        System.arraycopy(obsNorm, 0, rollout.input(), 0, n * obs);
        rollout.forward(n);
        float[] a = rollout.action();
        for (int i = 0; i < n * act; i++) {
            float x = a[i];
            if (explore) {
                x = clip(x + (float) (config.actionNoise * rnd.nextGaussian()), -1f, 1f);
            }
            u[i] = x;
        }
    }

    @Override
    public void update(ReplayBuffer.Batch b) {
        updates++;
        int n = b.size;
        // ---- critic ----
        System.arraycopy(b.next, 0, actorTarget.input(), 0, n * obs);
        actorTarget.forward(n);
        float[] u2 = actorTarget.action();
        for (int i = 0; i < n * act; i++) {
            float eps = clip((float) (config.targetNoise * noise.nextGaussian()), -config.noiseClip, config.noiseClip);
            nextAction[i] = clip(u2[i] + eps, -1f, 1f);
        }
        criticInput(q1Target, b.next, nextAction, n);
        criticInput(q2Target, b.next, nextAction, n);
        float[] t1 = q1Target.forward(n);
        float[] t2 = q2Target.forward(n);
        for (int i = 0; i < n; i++) {
            target[i] = b.reward[i] + config.gamma * (1f - b.terminal[i]) * Math.min(t1[i], t2[i]);
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

        // ---- actor, every policy_delay updates ----
        if (updates % config.policyDelay == 0) {
            System.arraycopy(b.obs, 0, actor.input(), 0, n * obs);
            actor.forward(n);
            float[] u = actor.action();
            criticInput(q1, b.obs, u, n);
            float[] q = q1.forward(n);
            double pl = 0;
            float g = -actorScaler.scale() / n;
            for (int i = 0; i < n; i++) {
                pl -= q[i];
                gq1[i] = g;
            }
            lastActorLoss = pl / n;
            q1.backward(gq1, false, gU, obs, act);
            for (int i = 0; i < n * act; i++) {
                // u = tanh(z)
                gZ[i] = gU[i] * (1f - u[i] * u[i]);
            }
            actorParams.zeroGradients();
            actor.backward(gZ, null);
            stepActor();
            actorTargetParams.polyakFrom(actorParams, config.polyak);
            actorTarget.refreshWeights();
            updateTargets();
        }
    }

    static float clip(float x, float lo, float hi) {
        return Math.max(lo, Math.min(hi, x));
    }

    @Override
    public Map<String, float[]> sharedFloats() {
        Map<String, float[]> m = super.sharedFloats();
        m.put("actor_target", actorTargetParams.values());
        return m;
    }

    @Override
    public void refreshAll() {
        super.refreshAll();
        actorTarget.refreshWeights();
    }

    /** Dense-equivalent FLOPs of one update, averaged over the policy delay (for the benchmark). */
    public double flopsPerUpdate() {
        double criticFwd = q1.forwardFlops(batch);
        double actorFwd = actor.denseForwardFlops(batch);
        // critic step: target actor forward, 2 target + 2 online critic forwards, backward of 2 critics (2x forward each)
        double critic = actorFwd + 4 * criticFwd + 2 * 2 * criticFwd;
        // actor step: actor forward and backward (2x), Q1 forward and its input-gradient backward
        // (one product per layer except the first, which only forms the action columns)
        double actorStep = actorFwd + 2 * actorFwd + criticFwd + criticFwd;
        return critic + actorStep / config.policyDelay;
    }
}
