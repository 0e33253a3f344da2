package dev.myelin.trainer.rl;

import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.run.TrainConfig;

import java.util.Map;
import java.util.function.IntConsumer;

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
    private final float[] targetNoise;
    private final IntConsumer criticPhase = this::criticPhase;
    private final IntConsumer actorPhase = this::actorPhase;

    Td3(TrainConfig config, Communicator comm, int obs, int act, int actingBatch, long seed) {
        super(config, comm, obs, act, actingBatch, false, seed);
        actorTargetParams = actorParams.copy();
        targetNoise = new float[batch * act];
        createSecondActors();
    }

    @Override
    protected Parameters secondActorParameters() {
        return actorTargetParams;
    }

    @Override
    public void act(float[] obsNorm, int n, float[] u, boolean explore, RandomStream rnd) {
        System.arraycopy(obsNorm, 0, rollout.input(), 0, n * obs);
        rollout.forward(n);
        float[] a = rollout.action();
        for (int i = 0; i < n * act; i++) {
            float x = a[i];
            if (explore) {
                x = OffPolicy.explore(x, config.actionNoise, rnd);
            }
            u[i] = x;
        }
    }

    @Override
    public void update(ReplayBuffer.Batch b) {
        begin(b);
        OffPolicy.smoothingNoise(targetNoise, batch * act, config.targetNoise, config.noiseClip, noise);
        criticUpdate(criticPhase);

        if (policyStepDue(config.policyDelay)) {
            actorUpdate(actorPhase, true);
            updateTargets();
        }
    }

    /** Critic loss gradient of replica {@code k}'s rows into its critic gradient buffer. */
    private void criticPhase(int k) {
        Replica r = startPhase(k, true);
        ReplayBuffer.Batch b = current;
        int n = r.rows;
        float[] u2 = r.second.action();
        float[] next = r.u;
        for (int i = 0; i < n * act; i++) {
            next[i] = OffPolicy.smoothedTargetAction(u2[i], targetNoise[r.lo * act + i]);
        }
        r.criticInput(r.critics.q1Target, b.next, next, 0);
        r.criticInput(r.critics.q2Target, b.next, next, 0);
        r.critics.td3Targets(b.reward, b.terminal, r.lo, config.gamma, n, r.target);
        regressCritics(r, b);
    }

    /** Policy loss gradient of replica {@code k}'s rows, through Q1, into its actor gradient buffer. */
    private void actorPhase(int k) {
        Replica r = startPhase(k, false);
        ReplayBuffer.Batch b = current;
        int n = r.rows;
        float[] u = r.actor.action();
        r.criticInput(r.critics.q1, b.obs, u, 0);
        r.actorLoss = r.critics.deterministicPolicyLoss(n, -actorScaler.scale() / batch, r.gU1, obs, act);
        for (int i = 0; i < n * act; i++) {
            // u = tanh(z)
            r.gZ[i] = r.gU1[i] * (1f - u[i] * u[i]);
        }
        r.actor.backward(r.gZ, null, r.actorGrad);
    }

    @Override
    public Map<String, float[]> sharedFloats() {
        Map<String, float[]> m = super.sharedFloats();
        m.put("actor_target", actorTargetParams.values());
        return m;
    }

    /** Dense-equivalent FLOPs of one update, averaged over the policy delay (for the benchmark). */
    public double flopsPerUpdate() {
        Replica r = replicas[0];
        double criticFwd = r.critics.q1.forwardFlops(batch);
        double actorFwd = r.actor.denseForwardFlops(batch);
        // critic step: target actor forward, 2 target + 2 online critic forwards, backward of 2 critics (2x forward each)
        double critic = actorFwd + 4 * criticFwd + 2 * 2 * criticFwd;
        // actor step: actor forward and backward (2x), Q1 forward and its input-gradient backward
        double actorStep = actorFwd + 2 * actorFwd + criticFwd + criticFwd;
        return critic + actorStep / config.policyDelay;
    }
}
