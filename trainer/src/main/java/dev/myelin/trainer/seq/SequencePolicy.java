package dev.myelin.trainer.seq;

import dev.myelin.policy.model.Normalizer;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.SpikingNetwork;
import dev.myelin.sim.Actor;
import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.Transition;
import dev.myelin.trainer.rl.RunningNormalizer;
import dev.myelin.trainer.run.TrainedPolicy;

import java.util.Map;

/**
 * A sequence actor as the robot runs it: normalise each agent's observation, step that agent's own lane
 * (state kept until the episode starts again), feed back the previous action and reward, and map
 * {@code tanh} onto each action channel's range. Also builds the policy module's {@link Policy} that an
 * export writes. One thread.
 */
public final class SequencePolicy {
    private SequencePolicy() {
    }

    /**
     * The deterministic policy as a simulator {@link Actor} for {@code agents} agents (each its own lane of
     * one stepper). Allocates only here, not per step.
     */
    public static Actor actor(SequenceActor actor, RunningNormalizer normalizer, BoxSpace actionSpace, int agents) {
        int obs = actor.observationSize();
        int act = actor.actionSize();
        SequenceActor.Stepper stepper = actor.stepper(agents);
        float[] center = new float[act];
        float[] half = new float[act];
        TrainedPolicy.actionRanges(actionSpace, center, half);
        float[] on = new float[agents * obs];
        float[] prevA = new float[agents * act];
        float[] prevR = new float[agents];
        float[] u = new float[agents * act];
        return new Actor() {
            @Override
            public void act(float[] observation, float[] action) {
                for (int a = 0; a < agents; a++) {
                    normalizer.normalize(observation, a * obs, on, a * obs);
                }
                stepper.step(on, prevA, prevR, u);
                for (int a = 0; a < agents; a++) {
                    for (int j = 0; j < act; j++) {
                        action[a * act + j] = center[j] + half[j] * u[a * act + j];
                    }
                }
            }

            @Override
            public void startEpisode() {
                for (int a = 0; a < agents; a++) {
                    stepper.reset(a);
                }
                java.util.Arrays.fill(prevA, 0f);
                java.util.Arrays.fill(prevR, 0f);
            }

            @Override
            public void observe(Transition t) {
                System.arraycopy(u, 0, prevA, 0, prevA.length);
                for (int a = 0; a < agents; a++) {
                    prevR[a] = t.reward(a);
                }
            }
        };
    }

    /** The policy a bundle carries; refuses families without a spiking form. */
    public static Policy toPolicy(SequenceActor actor, BoxSpace observations, BoxSpace actions, Normalizer normalizer,
                                  Map<String, Object> provenance) {
        SpikingNetwork net = actor.toNetwork();
        if (net == null) {
            throw new IllegalArgumentException("actor family '" + actor.family() + "' has no spiking form and cannot be "
                    + "exported as a bundle (exportable: popsan, grsn, spiking-transformer)");
        }
        return new Policy(net, TrainedPolicy.channels(observations, false), TrainedPolicy.channels(actions, true), normalizer,
                provenance);
    }
}
