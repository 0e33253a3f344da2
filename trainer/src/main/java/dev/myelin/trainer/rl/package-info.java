/**
 * Off-policy learning, one pipeline for every actor: {@link dev.myelin.trainer.rl.Learner} with
 * {@link dev.myelin.trainer.rl.Td3} and {@link dev.myelin.trainer.rl.Sac} (twin critics, targets, optimizers,
 * loss scalers, gradient averaging across ranks and threads) over a {@link dev.myelin.trainer.rl.PolicyModel}
 * that says what a batch's rows are: sampled transitions of PopSAN ({@link dev.myelin.trainer.rl.TransitionPolicy})
 * or the loss steps of sampled windows of a sequence actor ({@code seq.WindowPolicy}). Also the TD3/SAC formulas
 * ({@link dev.myelin.trainer.rl.OffPolicy}), the twin critics with everything TD3 and SAC compute through them
 * ({@link dev.myelin.trainer.rl.TwinCritics}), the transition replay buffer and the running observation
 * normaliser that travels with the policy.
 */
package dev.myelin.trainer.rl;
