package dev.myelin.trainer.rl;

/**
 * What every TD3/SAC learner reports, feed-forward ({@link Learner}) or sequence ({@code seq.SequenceLearner}):
 * the updates taken and the last update's critic loss, actor loss and mean Q1 (NaN until there was one). The
 * per-element formulas both kinds compute with are {@link OffPolicy}'s. The training thread.
 */
public abstract class OffPolicyLearner {
    protected long updates;
    protected double lastCriticLoss = Double.NaN;
    protected double lastActorLoss = Double.NaN;
    protected double lastMeanQ = Double.NaN;

    /**
     * Whether the update just counted takes the delayed policy step (TD3's delayed actor, Fujimoto et al. 2018):
     * every {@code policyDelay}-th update.
     */
    protected final boolean policyStepDue(int policyDelay) {
        return updates % policyDelay == 0;
    }

    public final long updates() {
        return updates;
    }

    public final double lastCriticLoss() {
        return lastCriticLoss;
    }

    public final double lastActorLoss() {
        return lastActorLoss;
    }

    public final double lastMeanQ() {
        return lastMeanQ;
    }
}
