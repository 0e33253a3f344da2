/**
 * Sequence training for policies that remember: the {@link dev.myelin.trainer.seq.SequenceActor}
 * contract and its families (GRSN, GRU, spiking transformer, and the stateless PopSAN and MLP
 * baselines, by name through {@link dev.myelin.trainer.seq.SequenceActors}), episode replay sampled as
 * burn-in windows ({@link dev.myelin.trainer.seq.SequenceReplay}), the windows as the rows the one learner
 * ({@code rl.Learner}, {@code rl.Td3}, {@code rl.Sac}) trains on, with a history critic centralised for
 * parameter-shared multi-robot teams ({@link dev.myelin.trainer.seq.WindowPolicy}), the sequence run on the one
 * run loop ({@link dev.myelin.trainer.seq.SequenceTrainingRun}), bundle export
 * ({@link dev.myelin.trainer.seq.SequenceExport}) and the families' comparison
 * ({@link dev.myelin.trainer.seq.SequenceComparison}).
 */
package dev.myelin.trainer.seq;
