package dev.myelin.trainer.run;

import dev.myelin.policy.model.Policy;
import dev.myelin.sim.Actor;

/**
 * What a training run's checkpoint gives export, whichever kind of run wrote it (feed-forward
 * {@link TrainedPolicy}, or a sequence run's {@code SequenceExport.Trained}): the policy a bundle carries,
 * the trainer's own fp32 forward pass as the reference an exported bundle is evaluated against, the run's
 * configuration and the bundle name it gets when none is given. {@link PolicyExport} writes and evaluates
 * the bundles of both.
 */
public interface TrainedRun {

    /** The configuration the run was trained with (task, seed, evaluation settings). */
    RunConfig config();

    /** The policy module's description of the trained policy: network, channels, normalisation, provenance. */
    Policy toPolicy();

    /**
     * The trainer's own forward pass as a simulator actor for one world of the task (deterministic: the mean
     * action), single-threaded. This is the reference an exported bundle must reproduce.
     */
    Actor referenceActor();

    /** Robots per world of the task. */
    int agents();

    /** The bundle name when the export names none. */
    String defaultName();
}
