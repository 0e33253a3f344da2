package dev.myelin.trainer.rl;

import dev.myelin.trainer.mpi.Communicator;
import dev.myelin.trainer.nn.Parameters;
import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.run.CheckpointFile;

import java.util.Map;
import java.util.function.IntConsumer;

/**
 * TD3 (Fujimoto et al. 2018) for any actor the {@link Learner} drives: PopSAN's spiking actor over transitions, as
 * in PopSAN and SpikeRL, or a sequence actor over windows (R2D2-style burn-in; the rows are the windows' loss
 * steps and the states the critics' histories). Per update, on the rows {@code (s, u, r, s', d)}:
 * <pre>
 *   u'  = clip(pi_targ(s') + clip(N(0, target_noise), -noise_clip, noise_clip), -1, 1)
 *   y   = r + gamma (1 - d) min(Q1_targ(s', u'), Q2_targ(s', u'))
 *   L_Q = mean (Q1(s, u) - y)^2 + mean (Q2(s, u) - y)^2
 * </pre>
 * and every {@code policy_delay} updates {@code L_pi = -mean Q1(s, pi(s))} (back through time for a sequence
 * actor), then polyak averaging of both targets. Rollouts explore with {@code clip(u + N(0, noise), -1, 1)}.
 * Actions are in [-1, 1] units of each channel's range. Allocation-free per update after construction. The
 * training thread.
 *
 * @param <B> the batch type
 */
public final class Td3<B> extends Learner<B> {
    private final float[] targetNoise;
    private final IntConsumer criticPhase = this::criticPhase;
    private final IntConsumer actorPhase = this::actorPhase;

    Td3(LearnerSettings settings, Communicator comm, PolicyModel<B> model, RandomStream criticInit, long seed) {
        super(settings, comm, model, criticInit, seed);
        targetNoise = new float[model.maxRows() * width];
    }

    @Override
    protected Parameters secondActorParameters() {
        return model.targetParameters();
    }

    @Override
    public String algorithm() {
        return "td3";
    }

    /** {@code u = clip(u + N(0, noise), -1, 1)}. */
    @Override
    public void explore(float[] actions, float[] preSquash, float[] logStd, int n, RandomStream rnd) {
        for (int i = 0; i < n; i++) {
            actions[i] = OffPolicy.explore(actions[i], s.explorationNoise(), rnd);
        }
    }

    @Override
    protected void step() {
        OffPolicy.smoothingNoise(targetNoise, total * width, s.targetNoise(), s.noiseClip(), noise);
        criticUpdate(criticPhase);
        if (policyStepDue()) {
            actorUpdate(actorPhase, true);
            updateCriticTargets();
        }
    }

    /** Targets of replica {@code k}'s rows from the target actor's smoothed next actions, then the critics' regression. */
    private void criticPhase(int k) {
        Replica r = startPhase(k, true);
        PolicyRows<B> p = r.rows;
        int n = p.rows();
        float[] u2 = p.actions();
        int off = p.rowOffset() * width;
        float[] next = r.u;
        for (int i = 0; i < n * width; i++) {
            next[i] = OffPolicy.smoothedTargetAction(u2[i], targetNoise[off + i]);
        }
        r.criticInput(r.critics.q1Target, true, next);
        r.criticInput(r.critics.q2Target, true, next);
        r.critics.td3Targets(p.rewards(), p.terminals(), p.rowOffset(), s.gamma(), n, r.target);
        regressCritics(r);
    }

    /** Policy loss gradient of replica {@code k}'s rows, through Q1, into its actor gradient buffer. */
    private void actorPhase(int k) {
        Replica r = startPhase(k, false);
        PolicyRows<B> p = r.rows;
        r.criticInput(r.critics.q1, false, p.actions());
        r.actorLoss = r.critics.deterministicPolicyLoss(p.rows(), -actorScaler.scale() / total, r.gU1, stateWidth, width);
        p.backwardActions(r.gU1, r.actorGrad);
    }

    @Override
    public Map<String, float[]> sharedFloats() {
        Map<String, float[]> m = super.sharedFloats();
        m.put("actor_target", model.targetParameters().values());
        return m;
    }

    @Override
    public void save(CheckpointFile ck) {
        super.save(ck);
        ck.put("target_actor", model.targetParameters().values());
    }

    @Override
    public void restore(CheckpointFile ck) {
        super.restore(ck);
        copy(ck, "target_actor", model.targetParameters().values());
        refreshAll();
    }

    /** Dense-equivalent FLOPs of one update over a full batch, averaged over the policy delay (for the benchmark). */
    public double flopsPerUpdate() {
        int rows = model.maxRows();
        double criticFwd = replicas[0].critics.q1.forwardFlops(rows);
        double actorFwd = model.actorForwardFlops(rows);
        // critic step: target actor forward, 2 target + 2 online critic forwards, backward of 2 critics (2x forward each)
        double critic = actorFwd + 4 * criticFwd + 2 * 2 * criticFwd;
        // actor step: actor forward and backward (2x), Q1 forward and its input-gradient backward
        double actorStep = actorFwd + 2 * actorFwd + criticFwd + criticFwd;
        return critic + actorStep / s.policyDelay();
    }
}
