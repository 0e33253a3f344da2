package dev.myelin.sim;

import dev.myelin.sim.task.Task;

/**
 * {@link VectorEnv} over a multi-world {@link Task}: each step, the threads claim chunks of contiguous
 * worlds, step them, record finished episodes and auto-reset those worlds.
 * Driven by one thread.
 */
public final class SimVectorEnv implements VectorEnv {
    private final Task task;
    private final ActionGate gate;
    private final StepTeam team;
    private final EpisodeStats[] memberStats;
    private final EpisodeStats stats = new EpisodeStats();
    private final int agentsPerWorld;
    private final int observationSize;
    private final float[] finalObservations;
    private final double[] episodeReturn;
    private boolean started;
    private boolean closed;

    /**
     * @param task    the batched simulator (its world count is the vector size)
     * @param threads stepping threads including the caller's, >= 1; more than worlds is cut to worlds
     */
    public SimVectorEnv(Task task, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.task = task;
        this.agentsPerWorld = task.agentsPerWorld();
        this.observationSize = task.observationSpace().size();
        this.gate = new ActionGate(task.actionSpace(), task.agents());
        int members = Math.min(threads, task.worlds());
        memberStats = new EpisodeStats[members];
        for (int m = 0; m < members; m++) {
            memberStats[m] = new EpisodeStats();
        }
        finalObservations = new float[task.observations().length];
        episodeReturn = new double[task.agents()];
        for (int w = 0; w < task.worlds(); w++) {
            task.seed(w, 0L);
        }
        team = new StepTeam(members, task.worlds(), this::runShare, "myelin-sim-" + task.name());
    }

    /** The simulator behind this vector env. */
    public Task simulator() {
        return task;
    }

    /** Ids of the helper stepping threads (the caller's thread is the first member). */
    public long[] helperThreadIds() {
        return team.helperThreadIds();
    }

    @Override
    public String task() {
        return task.name();
    }

    @Override
    public int worlds() {
        return task.worlds();
    }

    @Override
    public int agentsPerWorld() {
        return agentsPerWorld;
    }

    @Override
    public int agents() {
        return task.agents();
    }

    @Override
    public int threads() {
        return team.members();
    }

    @Override
    public BoxSpace observationSpace() {
        return task.observationSpace();
    }

    @Override
    public BoxSpace actionSpace() {
        return task.actionSpace();
    }

    @Override
    public double controlPeriod() {
        return task.controlPeriod();
    }

    @Override
    public void reset(long seed) {
        checkOpen();
        for (int w = 0; w < task.worlds(); w++) {
            task.seed(w, seed);
            task.reset(w);
        }
        java.util.Arrays.fill(episodeReturn, 0.0);
        java.util.Arrays.fill(task.terminated(), false);
        java.util.Arrays.fill(task.truncated(), false);
        java.util.Arrays.fill(task.rewards(), 0f);
        java.util.Arrays.fill(task.outcomes(), (byte) 0);
        started = true;
    }

    @Override
    public void step(float[] actions) {
        checkOpen();
        if (!started) {
            throw new IllegalStateException(task.name() + ": call reset(seed) before step()");
        }
        int clipped = gate.admit(actions, task.actions());
        memberStats[0].recordClipped(clipped);
        team.runAll();
    }

    private void runShare(int member, int from, int to) {
        task.step(from, to);
        EpisodeStats st = memberStats[member];
        float[] rewards = task.rewards();
        boolean[] term = task.terminated();
        boolean[] trunc = task.truncated();
        byte[] outcomes = task.outcomes();
        float[] obs = task.observations();
        int apw = agentsPerWorld;
        for (int w = from; w < to; w++) {
            int first = w * apw;
            for (int a = first; a < first + apw; a++) {
                episodeReturn[a] += rewards[a];
            }
            if (term[first] || trunc[first]) {
                int length = task.elapsedSteps(w);
                for (int a = first; a < first + apw; a++) {
                    st.recordEpisode(Outcome.of(outcomes[a]), episodeReturn[a], length);
                    episodeReturn[a] = 0;
                }
                System.arraycopy(obs, first * observationSize, finalObservations, first * observationSize,
                        apw * observationSize);
                task.reset(w);
            }
        }
        st.recordSteps((long) (to - from) * apw);
    }

    @Override
    public float[] observations() {
        return task.observations();
    }

    @Override
    public float[] rewards() {
        return task.rewards();
    }

    @Override
    public boolean[] terminated() {
        return task.terminated();
    }

    @Override
    public boolean[] truncated() {
        return task.truncated();
    }

    @Override
    public float[] finalObservations() {
        return finalObservations;
    }

    @Override
    public Outcome outcome(int agent) {
        return Outcome.of(task.outcomes()[agent]);
    }

    @Override
    public double parameter(String name, int world) {
        return task.parameters().value(name, world);
    }

    @Override
    public EpisodeStats stats() {
        stats.sumOf(memberStats);
        return stats;
    }

    @Override
    public void close() {
        closed = true;
        team.close();
        task.close();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(task.name() + ": vector env is closed");
        }
    }
}
