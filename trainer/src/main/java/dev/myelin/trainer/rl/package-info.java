/**
 * Off-policy learning with spiking actors: {@link dev.myelin.trainer.rl.Td3} and
 * {@link dev.myelin.trainer.rl.Sac} on a shared {@link dev.myelin.trainer.rl.Learner} (twin critics,
 * targets, optimizers, loss scalers, gradient averaging across ranks and threads), the replay buffer and
 * the running observation normaliser that travels with the policy. It is also the one home of what the
 * sequence learners share with these: the TD3/SAC formulas ({@link dev.myelin.trainer.rl.OffPolicy}), the
 * twin critics with everything TD3 and SAC compute through them (targets, regression, policy losses:
 * {@link dev.myelin.trainer.rl.TwinCritics}), and the update counters, losses and delayed-policy schedule
 * every learner keeps ({@link dev.myelin.trainer.rl.OffPolicyLearner}).
 */
package dev.myelin.trainer.rl;
