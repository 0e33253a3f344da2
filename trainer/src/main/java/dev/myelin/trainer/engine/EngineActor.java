package dev.myelin.trainer.engine;

import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.policy.model.Channel;
import dev.myelin.policy.model.Policy;
import dev.myelin.sim.Actor;
import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.Env;
import dev.myelin.sim.Transition;

import java.util.List;

/**
 * A policy's inference engines driving a simulated env, as they run on robots: one engine per agent (parameters
 * shared, recurrent state and reward input not), each fed its agent's slice of the agent-major observation and
 * writing its agent's slice of the action; each is reset when an episode starts and given its agent's reward after
 * every step. Allocates nothing per decision. One thread.
 */
public final class EngineActor implements Actor {
    private final InferenceEngine[] engines;
    private final float[] observation;
    private final float[] action;
    private final int observationSize;
    private final int actionSize;

    /** Drives one agent per engine; every engine has the same observation and action sizes. */
    public EngineActor(InferenceEngine... engines) {
        if (engines.length == 0) {
            throw new IllegalArgumentException("an engine actor needs an engine per agent, got none");
        }
        this.engines = engines.clone();
        this.observationSize = engines[0].observationSize();
        this.actionSize = engines[0].actionSize();
        for (InferenceEngine e : engines) {
            if (e.observationSize() != observationSize || e.actionSize() != actionSize) {
                throw new IllegalArgumentException("the engines of one actor differ in observation or action size");
            }
        }
        this.observation = new float[observationSize];
        this.action = new float[actionSize];
    }

    /** {@code agents} engines named {@code engine} ({@link InferenceEngines#create}) for {@code policy}. */
    public static EngineActor of(String engine, Policy policy, int agents) {
        InferenceEngine[] engines = new InferenceEngine[agents];
        for (int a = 0; a < agents; a++) {
            engines[a] = InferenceEngines.create(engine, policy);
        }
        return new EngineActor(engines);
    }

    /**
     * Engines for every agent of {@code env}, after checking that the policy's observation and action channels are
     * the env's components, by name and in order; a mismatch names {@code source} (e.g. the bundle file).
     */
    public static EngineActor forEnv(String engine, Policy policy, Env env, Object source) {
        check("observation", policy.observations(), env.observationSpace(), source);
        check("action", policy.actions(), env.actionSpace(), source);
        return of(engine, policy, env.agents());
    }

    private static void check(String what, List<Channel> channels, BoxSpace space, Object source) {
        if (channels.size() != space.size()) {
            List<String> names = space.names();
            String shown = names.size() <= 8 ? names.toString()
                    : "[" + String.join(", ", names.subList(0, 3)) + ", ..., "
                    + String.join(", ", names.subList(names.size() - 3, names.size())) + "]";
            throw new IllegalArgumentException(source + ": the policy has " + channels.size() + " " + what
                    + " channels, the task has " + space.size() + " " + shown);
        }
        for (int i = 0; i < channels.size(); i++) {
            if (!channels.get(i).name().equals(space.name(i))) {
                throw new IllegalArgumentException(source + ": " + what + " channel " + i + " is '"
                        + channels.get(i).name() + "' in the policy but '" + space.name(i) + "' in the task");
            }
        }
    }

    /** Agents driven (engines). */
    public int agents() {
        return engines.length;
    }

    /** Agent {@code a}'s engine (e.g. for its energy meter after a decision). */
    public InferenceEngine engine(int a) {
        return engines[a];
    }

    @Override
    public void startEpisode() {
        for (InferenceEngine e : engines) {
            e.reset();
        }
    }

    @Override
    public void observe(Transition transition) {
        for (int a = 0; a < engines.length; a++) {
            engines[a].reward(transition.reward(a));
        }
    }

    @Override
    public void act(float[] observations, float[] actions) {
        for (int a = 0; a < engines.length; a++) {
            System.arraycopy(observations, a * observationSize, observation, 0, observationSize);
            engines[a].act(observation, action);
            System.arraycopy(action, 0, actions, a * actionSize, actionSize);
        }
    }
}
