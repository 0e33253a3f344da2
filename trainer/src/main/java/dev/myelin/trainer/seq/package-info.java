/**
 * Sequence training for policies that remember: the {@link dev.myelin.trainer.seq.SequenceActor}
 * contract and its families (GRSN, GRU, spiking transformer, and the stateless PopSAN and MLP
 * baselines, by name through {@link dev.myelin.trainer.seq.SequenceActors}), episode replay sampled as
 * burn-in windows ({@link dev.myelin.trainer.seq.SequenceReplay}), recurrent TD3 and SAC with a history
 * critic, centralised for parameter-shared multi-robot teams ({@link dev.myelin.trainer.seq.SequenceLearner},
 * {@link dev.myelin.trainer.seq.SequenceTd3}, {@link dev.myelin.trainer.seq.SequenceSac}; their critic and
 * policy-loss arithmetic is in {@link dev.myelin.trainer.rl.TwinCritics}), the resumable
 * run loop ({@link dev.myelin.trainer.seq.SequenceTrainingRun}), bundle export
 * ({@link dev.myelin.trainer.seq.SequenceExport}) and the families' comparison
 * ({@link dev.myelin.trainer.seq.SequenceComparison}).
 */
package dev.myelin.trainer.seq;
