package dev.myelin.launch;

import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.PolicyBundle;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.policy.model.Channel;
import dev.myelin.sim.Actor;
import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.Env;
import dev.myelin.sim.Transition;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A policy bundle driving a simulated env: one inference engine per agent (parameters shared,
 * recurrent state not), after checking that the bundle's observation and action channels are the
 * env's components, by name and in order. Allocates nothing per decision. One thread.
 */
final class SimPolicyActor implements Actor {
    private final InferenceEngine[] engines;
    private final float[] observation;
    private final float[] action;
    private final int observationSize;
    private final int actionSize;

    private SimPolicyActor(InferenceEngine[] engines, int observationSize, int actionSize) {
        this.engines = engines;
        this.observationSize = observationSize;
        this.actionSize = actionSize;
        this.observation = new float[observationSize];
        this.action = new float[actionSize];
    }

    /** Reads {@code bundle} (unsigned bundles accepted) and builds engines named {@code engine} for {@code env}. */
    static SimPolicyActor load(Path bundle, String engine, Env env) throws Exception {
        if (!Files.isRegularFile(bundle)) {
            throw new IllegalArgumentException("--bundle: no such file " + bundle);
        }
        PolicyBundle b = BundleReader.read(bundle, TrustedKeys.none());
        check("observation", b.policy().observations(), env.observationSpace(), bundle);
        check("action", b.policy().actions(), env.actionSpace(), bundle);
        InferenceEngine[] engines = new InferenceEngine[env.agents()];
        for (int a = 0; a < engines.length; a++) {
            engines[a] = InferenceEngines.create(engine, b.policy());
        }
        return new SimPolicyActor(engines, env.observationSpace().size(), env.actionSpace().size());
    }

    private static void check(String what, List<Channel> channels, BoxSpace space, Path bundle) {
        if (channels.size() != space.size()) {
            List<String> names = space.names();
            String shown = names.size() <= 8 ? names.toString()
                    : "[" + String.join(", ", names.subList(0, 3)) + ", ..., " + String.join(", ", names.subList(names.size() - 3, names.size())) + "]";
            throw new IllegalArgumentException(bundle + ": the policy has " + channels.size() + " " + what
                    + " channels, the task has " + space.size() + " " + shown);
        }
        for (int i = 0; i < channels.size(); i++) {
            if (!channels.get(i).name().equals(space.name(i))) {
                throw new IllegalArgumentException(bundle + ": " + what + " channel " + i + " is '"
                        + channels.get(i).name() + "' in the policy but '" + space.name(i) + "' in the task");
            }
        }
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
