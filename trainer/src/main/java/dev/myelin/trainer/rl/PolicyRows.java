package dev.myelin.trainer.rl;

import dev.myelin.trainer.nn.Mlp;

/**
 * One update thread's view of a batch: its loss rows, what the critics see of each row, and the actor over
 * them. A row is one transition of a feed-forward batch (its state is the observation) or one loss step of a
 * sequence batch (its state is the history the critics see, its actions every agent's). Arrays in row layout
 * hold {@code rows() x actionWidth} values, row after row. A {@link Learner}'s {@link Td3} and {@link Sac} are
 * written once against this; {@link TransitionPolicy} and {@code seq.WindowPolicy} provide it. Allocation-free
 * per call; the thread the learner gives it.
 *
 * @param <B> the batch type
 */
public interface PolicyRows<B> {

    /** Takes the batch of the coming update (refusing one shaped for another learner); returns its rows here. */
    int bind(B batch);

    /** Rows of the bound batch here. */
    int rows();

    /** The first row's index in the batch-wide arrays ({@link #rewards()}, the learner's noise). */
    int rowOffset();

    /** The batch's reward per row, batch-wide (from {@link #rowOffset()} on for these rows). */
    float[] rewards();

    /** The batch's terminal flag (1 or 0) per row, batch-wide. */
    float[] terminals();

    /** Fills the state columns of {@code q}'s input for every row: the row's state, or its next state. */
    void fillState(Mlp q, boolean next);

    /** Fills the action columns of {@code q}'s input with the batch's stored actions. */
    void fillStoredActions(Mlp q);

    /** Fills the action columns of {@code q}'s input with {@code actions} (row layout). */
    void fillActions(Mlp q, float[] actions);

    /** Runs the second actor (TD3: the target actor; SAC: the actor) for every row's next state. */
    void nextPolicy();

    /** Runs the actor for every row's state (keeping what {@link #backwardActions}/{@link #backwardPreSquash} need). */
    void policy();

    /** Actions in [-1, 1] of the last pass, row layout. */
    float[] actions();

    /** Pre-squash outputs of the last pass ({@code action = tanh(z)}), row layout. */
    float[] preSquash();

    /** The actor's log_std readout of the last pass (row layout), or null when it has none. */
    float[] logStd();

    /** Backpropagates dLoss/dAction (row layout) of the last {@link #policy()} into {@code grad}. */
    void backwardActions(float[] gActions, float[] grad);

    /** Backpropagates dLoss/dz and dLoss/dlog_std (null without a readout) of the last {@link #policy()} into {@code grad}. */
    void backwardPreSquash(float[] gPreSquash, float[] gLogStd, float[] grad);

    /** Re-reads the actor's weights after an optimizer step or a restore. */
    void refreshActor();

    /** Re-reads the second actor's weights after polyak averaging or a restore. */
    void refreshSecond();
}
