package dev.myelin.sim.pomdp;

import dev.myelin.sim.BoxSpace;
import dev.myelin.sim.EpisodeStats;
import dev.myelin.sim.Outcome;
import dev.myelin.sim.VectorEnv;

/**
 * A {@link VectorEnv} whose observations (and final observations) pass through an
 * {@link ObservationFilter}; auto-resets restart the filter's per-agent history. Filtering runs on
 * the driving thread after the batched step. One thread.
 */
public final class FilteredVectorEnv implements VectorEnv {
    private final VectorEnv inner;
    private final ObservationFilter filter;
    private final int inSize;
    private final int outSize;
    private final float[] observations;
    private final float[] finalObservations;

    public FilteredVectorEnv(VectorEnv inner, ObservationFilter.Factory factory) {
        this.inner = inner;
        this.filter = factory.create(inner.observationSpace(), inner.agents());
        this.inSize = inner.observationSpace().size();
        this.outSize = filter.space().size();
        this.observations = new float[inner.agents() * outSize];
        this.finalObservations = new float[inner.agents() * outSize];
    }

    /** Wraps {@code env} in each factory in turn. */
    public static VectorEnv chain(VectorEnv env, Iterable<ObservationFilter.Factory> factories) {
        VectorEnv e = env;
        for (ObservationFilter.Factory f : factories) {
            e = new FilteredVectorEnv(e, f);
        }
        return e;
    }

    @Override
    public String task() {
        return inner.task();
    }

    @Override
    public int worlds() {
        return inner.worlds();
    }

    @Override
    public int agentsPerWorld() {
        return inner.agentsPerWorld();
    }

    @Override
    public int agents() {
        return inner.agents();
    }

    @Override
    public int threads() {
        return inner.threads();
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
    public void reset(long seed) {
        inner.reset(seed);
        filter.seed(seed);
        float[] raw = inner.observations();
        for (int a = 0; a < inner.agents(); a++) {
            filter.start(a, raw, a * inSize, observations, a * outSize);
        }
    }

    @Override
    public void step(float[] actions) {
        inner.step(actions);
        float[] raw = inner.observations();
        float[] rawFinal = inner.finalObservations();
        boolean[] term = inner.terminated();
        boolean[] trunc = inner.truncated();
        for (int a = 0; a < inner.agents(); a++) {
            if (term[a] || trunc[a]) {
                filter.next(a, rawFinal, a * inSize, finalObservations, a * outSize);
                filter.start(a, raw, a * inSize, observations, a * outSize);
            } else {
                filter.next(a, raw, a * inSize, observations, a * outSize);
            }
        }
    }

    @Override
    public float[] observations() {
        return observations;
    }

    @Override
    public float[] rewards() {
        return inner.rewards();
    }

    @Override
    public boolean[] terminated() {
        return inner.terminated();
    }

    @Override
    public boolean[] truncated() {
        return inner.truncated();
    }

    @Override
    public float[] finalObservations() {
        return finalObservations;
    }

    @Override
    public Outcome outcome(int agent) {
        return inner.outcome(agent);
    }

    @Override
    public double parameter(String name, int world) {
        return inner.parameter(name, world);
    }

    @Override
    public EpisodeStats stats() {
        return inner.stats();
    }

    @Override
    public void close() {
        inner.close();
    }
}
