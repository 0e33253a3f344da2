/**
 * Training runs for people: configuration presets ({@link dev.myelin.trainer.run.TrainConfig}, on the
 * settings every run kind shares, {@link dev.myelin.trainer.run.RunConfig}), the
 * one run loop every kind of run is driven by ({@link dev.myelin.trainer.run.OffPolicyRun}), the feed-forward
 * run on it with exact-resume checkpoints ({@link dev.myelin.trainer.run.TrainingRun},
 * {@link dev.myelin.trainer.run.CheckpointFile}), metrics CSV, progress line and learning-curve PNGs,
 * the process entry point mpirun starts ({@link dev.myelin.trainer.run.TrainerProcess}), and export to
 * policy bundles ({@link dev.myelin.trainer.run.PolicyExport} over {@link dev.myelin.trainer.run.TrainedRun}, for both kinds of run).
 * It is also the one home of what both kinds of run share: the action log a resume replays
 * ({@link dev.myelin.trainer.run.ActionLog}), {@code metrics.csv} ({@link dev.myelin.trainer.run.MetricsLog}),
 * the action ranges ({@link dev.myelin.trainer.run.TrainedPolicy#actionRanges}), the evaluation seed and the
 * export provenance's common entries ({@link dev.myelin.trainer.run.RunConfig}).
 */
package dev.myelin.trainer.run;
