package dev.myelin.sim;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Runs an {@link Actor} for a fixed number of episodes on seeds {@code seed, seed + 1, ...} and
 * summarises returns and outcomes. The summary is what {@code ./myelin eval} prints for the nominal
 * and the reality-gap variant. Driven by one thread.
 */
public final class Evaluation {

    /**
     * Returns and outcome counts over agent-episodes.
     *
     * @param returns          undiscounted return of each episode (mean over the episode's agents)
     * @param lengths          steps of each episode
     * @param agentEpisodes    episodes x agents
     * @param successes        agent-episodes that reached their goal
     * @param collisions       agent-episodes ended by a collision
     * @param failures         agent-episodes ended by leaving the safe region
     * @param timeouts         agent-episodes cut by the step limit
     * @param clippedActions   action components clipped over all steps
     */
    public record Summary(double[] returns, int[] lengths, long agentEpisodes, long successes, long collisions,
                          long failures, long timeouts, long clippedActions) {

        public double meanReturn() {
            return Arrays.stream(returns).average().orElse(Double.NaN);
        }

        public double stdReturn() {
            double m = meanReturn();
            return Math.sqrt(Arrays.stream(returns).map(r -> (r - m) * (r - m)).average().orElse(Double.NaN));
        }

        public double medianReturn() {
            double[] s = returns.clone();
            Arrays.sort(s);
            int n = s.length;
            return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
        }

        public double successRate() {
            return agentEpisodes == 0 ? Double.NaN : (double) successes / agentEpisodes;
        }

        public double collisionRate() {
            return agentEpisodes == 0 ? Double.NaN : (double) collisions / agentEpisodes;
        }

        public double meanLength() {
            return Arrays.stream(lengths).average().orElse(Double.NaN);
        }
    }

    private Evaluation() {
    }

    /** Runs {@code episodes} episodes of {@code env} driven by {@code actor}. */
    public static Summary run(Env env, Actor actor, int episodes, long seed) {
        if (episodes < 1) {
            throw new IllegalArgumentException("episodes must be >= 1, got " + episodes);
        }
        double[] returns = new double[episodes];
        int[] lengths = new int[episodes];
        long[] counts = new long[Outcome.values().length];
        float[] action = new float[env.agents() * env.actionSpace().size()];
        long[] clippedSoFar = new long[1];
        Consumer<Transition> countClipped = t -> clippedSoFar[0] += t.clippedComponents();
        for (int e = 0; e < episodes; e++) {
            Transition t = episode(env, actor, env.reset(seed + e), action, countClipped);
            returns[e] = t.episodeReturn();
            lengths[e] = t.episodeLength();
            for (int a = 0; a < env.agents(); a++) {
                counts[t.outcome(a).ordinal()]++;
            }
        }
        return new Summary(returns, lengths, (long) episodes * env.agents(), counts[Outcome.SUCCESS.ordinal()],
                counts[Outcome.COLLISION.ordinal()], counts[Outcome.FAILURE.ordinal()],
                counts[Outcome.TIMEOUT.ordinal()], clippedSoFar[0]);
    }

    /**
     * Drives one episode of {@code env} with {@code actor} to its end, from {@code observation} (what the env's
     * reset returned), into the caller's {@code action} buffer; {@code afterStep} sees every transition. Returns
     * the last transition (outcomes, return, length).
     */
    public static Transition episode(Env env, Actor actor, float[] observation, float[] action, Consumer<Transition> afterStep) {
        actor.startEpisode();
        float[] obs = observation;
        Transition t;
        do {
            actor.act(obs, action);
            t = env.step(action);
            actor.observe(t);
            afterStep.accept(t);
            obs = t.observation();
        } while (!t.done());
        return t;
    }
}
