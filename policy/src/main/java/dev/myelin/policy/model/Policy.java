package dev.myelin.policy.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a robot needs to run a spiking policy: the network, what each observation and action
 * element means, the normalisation statistics and the provenance of the training run (trainer
 * configuration, seed, task, evaluation returns). Immutable; this is what a bundle carries.
 */
public record Policy(SpikingNetwork network, List<Channel> observations, List<Channel> actions,
                     Normalizer normalizer, Map<String, Object> provenance) {

    public Policy {
        if (network == null) {
            throw new IllegalArgumentException("policy: network is missing");
        }
        observations = List.copyOf(observations);
        actions = List.copyOf(actions);
        if (observations.size() != network.observationSize()) {
            throw new IllegalArgumentException("policy: " + observations.size() + " observation channels but the "
                    + network.family() + " network takes " + network.observationSize());
        }
        if (actions.size() != network.actionSize()) {
            throw new IllegalArgumentException("policy: " + actions.size() + " action channels but the "
                    + network.family() + " network produces " + network.actionSize());
        }
        if (normalizer.size() != network.observationSize()) {
            throw new IllegalArgumentException("policy: normalizer has " + normalizer.size()
                    + " entries, observation size is " + network.observationSize());
        }
        unique("observation", observations);
        unique("action", actions);
        provenance = provenance == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
    }

    private static void unique(String what, List<Channel> channels) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Channel c : channels) {
            if (!seen.add(c.name())) {
                throw new IllegalArgumentException("policy: duplicate " + what + " channel name '" + c.name() + "'");
            }
        }
    }

    /** A policy with generic channel names (obs0.., act0..), identity normalisation and unit action limits. */
    public static Policy withDefaults(SpikingNetwork network, Map<String, Object> provenance) {
        List<Channel> obs = new ArrayList<>();
        for (int i = 0; i < network.observationSize(); i++) {
            obs.add(Channel.symmetric("obs" + i, "", 10f));
        }
        List<Channel> act = new ArrayList<>();
        for (int i = 0; i < network.actionSize(); i++) {
            act.add(Channel.symmetric("act" + i, "", 1f));
        }
        return new Policy(network, obs, act, Normalizer.identity(network.observationSize()), provenance);
    }

    public Policy withNetwork(SpikingNetwork replacement) {
        return new Policy(replacement, observations, actions, normalizer, provenance);
    }
}
