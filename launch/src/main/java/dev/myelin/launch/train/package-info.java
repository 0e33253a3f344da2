/**
 * Training commands: {@code train} and {@code train-seq} run the trainer (feed-forward and sequence policies;
 * {@code train} may fine-tune on experience robots uploaded, read by
 * {@link dev.myelin.launch.train.RealExperienceLoader}), {@code export} writes a trained policy as bundles and
 * evaluates each, {@code eval} scores a policy on a simulated task, {@code transfer} runs one navigation policy
 * in the 2-D world and on the MuJoCo base, {@code compare} compares policy families and {@code train-curves}
 * overlays learning curves.
 */
package dev.myelin.launch.train;
