package dev.myelin.trainer.rl;

import dev.myelin.trainer.kernel.Rounding;
import dev.myelin.trainer.nn.Parameters;

/**
 * The trained policy as a {@link Learner} drives it: its values, the shape of what the critics see, and one
 * {@link PolicyRows} per update thread. Feed-forward PopSAN over sampled transitions is
 * {@link TransitionPolicy}; any sequence actor over sampled windows is {@code seq.WindowPolicy} (a window of one
 * step without history is a transition). The training thread.
 *
 * @param <B> the batch type
 */
public interface PolicyModel<B> {

    /** The actor's trained values and the gradient the learner steps them with. */
    Parameters parameters();

    /**
     * TD3's target actor: values of the actor's layout that hold a copy of the actor's values by the time the learner
     * first asks (after its broadcast), the same object on every call, with whatever networks run them.
     */
    Parameters targetParameters();

    /** Critic input columns of a row's state. */
    int stateWidth();

    /** Critic input columns of a row's actions (every agent's). */
    int actionWidth();

    /** One agent's action size. */
    int actionSize();

    /** Whether the actor reads out a state-dependent log_std (PopSAN's SAC form); otherwise SAC learns one per dimension. */
    boolean logStdReadout();

    /** How many threads may split a batch, given {@code requested}. */
    int replicas(int requested);

    /** Most rows of one update over all threads. */
    int maxRows();

    /**
     * Thread {@code index} of {@code count}'s view, its second actor running {@code second} (the target's values for
     * TD3, the actor's for SAC), networks at {@code rounding}.
     */
    PolicyRows<B> rows(int index, int count, Parameters second, Rounding rounding);

    /** Rows of thread {@code index} of {@code count} at most. */
    int maxRows(int index, int count);

    /** Dense-equivalent FLOPs of one actor forward pass over {@code rows} rows (NaN where not counted). */
    double actorForwardFlops(int rows);
}
