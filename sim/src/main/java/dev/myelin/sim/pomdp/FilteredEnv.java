package dev.myelin.sim.pomdp;

import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.EpisodeStats;
import dev.myelin.sim.Env;
import dev.myelin.sim.Outcome;
import dev.myelin.sim.Transition;

/** An {@link Env} whose observations pass through an {@link ObservationFilter}. One thread. */
public final class FilteredEnv implements Env {
    private final Env inner;
    private final ObservationFilter filter;
    private final int inSize;
    private final int outSize;
    private final float[] observation;
    private final Filtered transition = new Filtered();
    private Transition last;

    public FilteredEnv(Env inner, ObservationFilter.Factory factory) {
        this.inner = inner;
        this.filter = factory.create(inner.observationSpace(), inner.agents());
        this.inSize = inner.observationSpace().size();
        this.outSize = filter.space().size();
        this.observation = new float[inner.agents() * outSize];
    }

    /** Wraps {@code env} in each factory in turn. */
    public static Env chain(Env env, Iterable<ObservationFilter.Factory> factories) {
        Env e = env;
        for (ObservationFilter.Factory f : factories) {
            e = new FilteredEnv(e, f);
        }
        return e;
    }

    /** The wrapped env. */
    public Env inner() {
        return inner;
    }

    @Override
    public String task() {
        return inner.task();
    }

    @Override
    public int agents() {
        return inner.agents();
    }

    @Override
    public BoxSpace observationSpace() {
        return filter.space();
    }

    @Override
    public BoxSpace actionSpace() {
        return inner.actionSpace();
    }

    @Override
    public double controlPeriod() {
        return inner.controlPeriod();
    }

    @Override
    public float[] reset(long seed) {
        filter.seed(seed);
        return start(inner.reset(seed));
    }

    @Override
    public float[] reset() {
        return start(inner.reset());
    }

    private float[] start(float[] raw) {
        for (int a = 0; a < inner.agents(); a++) {
            filter.start(a, raw, a * inSize, observation, a * outSize);
        }
        return observation;
    }

    @Override
    public Transition step(float[] action) {
        Transition t = inner.step(action);
        float[] raw = t.observation();
        for (int a = 0; a < inner.agents(); a++) {
            filter.next(a, raw, a * inSize, observation, a * outSize);
        }
        last = t;
        return transition;
    }

    @Override
    public double parameter(String name) {
        return inner.parameter(name);
    }

    @Override
    public EpisodeStats stats() {
        return inner.stats();
    }

    @Override
    public void close() {
        inner.close();
    }

    private final class Filtered implements Transition {
        @Override
        public float[] observation() {
            return observation;
        }

        @Override
        public float reward() {
            return last.reward();
        }

        @Override
        public float reward(int agent) {
            return last.reward(agent);
        }

        @Override
        public boolean terminated() {
            return last.terminated();
        }

        @Override
        public boolean truncated() {
            return last.truncated();
        }

        @Override
        public Outcome outcome(int agent) {
            return last.outcome(agent);
        }

        @Override
        public int clippedComponents() {
            return last.clippedComponents();
        }

        @Override
        public int episodeLength() {
            return last.episodeLength();
        }

        @Override
        public double episodeReturn() {
            return last.episodeReturn();
        }
    }
}
