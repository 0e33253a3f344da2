package dev.myelin.trainer.seq;

import dev.myelin.trainer.nn.RandomStream;
import dev.myelin.trainer.rl.OffPolicy;
import dev.myelin.trainer.run.CheckpointFile;

/**
 * Recurrent TD3 (Fujimoto et al. 2018, with R2D2-style burn-in) for any {@link SequenceActor}, single-
 * or multi-agent. On a batch of windows from {@link SequenceReplay}:
 * <pre>
 *   actor and target actor run every window from zero state, step by step (burn-in steps take no loss)
 *   u'_t+1 = clip(pi_targ(window)_{t+1} + clip(N(0, target_noise), -noise_clip, noise_clip), -1, 1)
 *   y_t    = r_t + gamma (1 - d_t) min(Q1_targ(H_{t+1}, u'_{t+1}), Q2_targ(H_{t+1}, u'_{t+1}))
 *   L_Q    = mean over loss steps (Q1(H_t, u_t) - y_t)^2 + (Q2(H_t, u_t) - y_t)^2
 * </pre>
 * and every {@code policyDelay} updates {@code L_pi = -mean Q1(H_t, pi(window)_t)} back through time
 * into the actor, then polyak averaging of the three targets. Rollouts explore with Gaussian noise on the
 * action. The critics, their history input and the multi-agent (CTDE) arrangement are
 * {@link SequenceLearner}'s. Allocation-free per update after construction. The training thread.
 */
public final class SequenceTd3 extends SequenceLearner {
    private final SequenceActor target;
    private final float explorationNoise;
    /** Target policy smoothing noise of an update, per loss row, agent and action dimension. */
    private final float[] targetNoise;

    /**
     * @param actor  the online actor (trained in place)
     * @param target an actor of the same family and shape (its values are overwritten by the online ones)
     * @param explorationNoise standard deviation of the rollouts' Gaussian action noise
     * @param agents agents per window (robots per world)
     */
    public SequenceTd3(SequenceActor actor, SequenceActor target, Settings settings, float explorationNoise, int agents,
                       long seed) {
        super(actor, settings, agents, seed);
        if (!actor.parameters().sameLayout(target.parameters())) {
            throw new IllegalArgumentException("target actor's parameters differ in layout from the actor's");
        }
        if (!(explorationNoise >= 0f) || !Float.isFinite(explorationNoise)) {
            throw new IllegalArgumentException("noise must be >= 0 and finite, got " + explorationNoise);
        }
        this.target = target;
        this.explorationNoise = explorationNoise;
        targetNoise = new float[settings.batch() * settings.length() * agents * act];
        System.arraycopy(actor.parameters().values(), 0, target.parameters().values(), 0, actor.parameters().size());
        target.refreshWeights();
    }

    @Override
    public String algorithm() {
        return "td3";
    }

    @Override
    protected void criticTargets(SequenceReplay.Batch b) {
        int rows = b.rows;
        float[] ut = target.forward(b.observations, b.previousActions, b.previousRewards, b.batch * agents, s.window() + 1);
        float[] tin = critics.q1Target.input();
        fillHistory(tin, b.historyNext, b);
        OffPolicy.smoothingNoise(targetNoise, rows * agents * act, s.targetNoise(), s.noiseClip(), noise);
        for (int k = 0; k < rows; k++) {
            int base = k * criticInput + b.historyWidth;
            for (int r = 0; r < agents; r++) {
                int from = sequenceIndex(b, k, r, 1);
                int e = (k * agents + r) * act;
                for (int j = 0; j < act; j++) {
                    tin[base + r * act + j] = OffPolicy.smoothedTargetAction(ut[from + j], targetNoise[e + j]);
                }
            }
        }
        System.arraycopy(tin, 0, critics.q2Target.input(), 0, rows * criticInput);
        critics.td3Targets(b.reward, b.terminal, 0, s.gamma(), rows, y);
    }

    @Override
    protected void policyStep(SequenceReplay.Batch b) {
        if (!policyStepDue(s.policyDelay())) {
            return;
        }
        int rows = b.rows;
        float[] u = actor.forward(b.observations, b.previousActions, b.previousRewards, b.batch * agents, s.window());
        float[] in = critics.q1.input();
        fillHistory(in, b.historyNow, b);
        putActions(in, u, b, 0);
        lastActorLoss = critics.deterministicPolicyLoss(rows, -1f / rows, gAction, b.historyWidth, agents * act) / rows;
        scatterActionGradients(b);
        actor.parameters().zeroGradients();
        actor.backward(actionGrad);
        actorOpt.step();
        actor.refreshWeights();
        target.parameters().polyakFrom(actor.parameters(), s.polyak());
        target.refreshWeights();
        criticTargetParams.polyakFrom(criticParams, s.polyak());
    }

    /** {@code u = clip(u + N(0, noise), -1, 1)}. */
    @Override
    public void explore(float[] actions, float[] preSquash, int n, RandomStream rnd) {
        for (int i = 0; i < n; i++) {
            actions[i] = OffPolicy.explore(actions[i], explorationNoise, rnd);
        }
    }

    public SequenceActor targetActor() {
        return target;
    }

    @Override
    public void save(CheckpointFile ck) {
        super.save(ck);
        ck.put("target_actor", target.parameters().values());
    }

    @Override
    public void restore(CheckpointFile ck) {
        super.restore(ck);
        copy(ck, "target_actor", target.parameters().values());
        target.refreshWeights();
    }
}
