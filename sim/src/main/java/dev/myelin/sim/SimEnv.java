package dev.myelin.sim;

import dev.myelin.sim.task.Task;

/**
 * {@link Env} over a one-world {@link Task}. Seeded with 0 until {@link #reset(long)} says otherwise.
 * One thread.
 */
public final class SimEnv implements Env {
    private final Task task;
    private final ActionGate gate;
    private final EpisodeStats stats = new EpisodeStats();
    private final double[] episodeReturn;
    private final int agents;
    private final Step transition = new Step();
    private boolean running;
    private int clippedNow;

    /** Wraps {@code task}, which must have exactly one world. */
    public SimEnv(Task task) {
        if (task.worlds() != 1) {
            throw new IllegalArgumentException("SimEnv runs one world; the task has " + task.worlds()
                    + " (use SimVectorEnv)");
        }
        this.task = task;
        this.agents = task.agents();
        this.gate = new ActionGate(task.actionSpace(), agents);
        this.episodeReturn = new double[agents];
        task.seed(0, 0L);
    }

    /** The simulator behind this env (for rendering and the sim node). */
    public Task simulator() {
        return task;
    }

    @Override
    public String task() {
        return task.name();
    }

    @Override
    public int agents() {
        return agents;
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
    public float[] reset(long seed) {
        task.seed(0, seed);
        return reset();
    }

    @Override
    public float[] reset() {
        task.reset(0);
        java.util.Arrays.fill(episodeReturn, 0.0);
        running = true;
        clippedNow = 0;
        return task.observations();
    }

    @Override
    public Transition step(float[] action) {
        if (!running) {
            throw new IllegalStateException(task.name() + ": no episode running; call reset() first"
                    + (task.elapsedSteps(0) > 0 ? " (the last step ended the episode)" : ""));
        }
        clippedNow = gate.admit(action, task.actions());
        task.step(0, 1);
        float[] rewards = task.rewards();
        for (int a = 0; a < agents; a++) {
            episodeReturn[a] += rewards[a];
        }
        stats.recordSteps(agents);
        stats.recordClipped(clippedNow);
        if (task.terminated()[0] || task.truncated()[0]) {
            running = false;
            int length = task.elapsedSteps(0);
            byte[] outcomes = task.outcomes();
            for (int a = 0; a < agents; a++) {
                stats.recordEpisode(Outcome.of(outcomes[a]), episodeReturn[a], length);
            }
        }
        return transition;
    }

    @Override
    public void close() {
        task.close();
    }

    @Override
    public double parameter(String name) {
        return task.parameters().value(name, 0);
    }

    @Override
    public EpisodeStats stats() {
        return stats;
    }

    private final class Step implements Transition {
        @Override
        public float[] observation() {
            return task.observations();
        }

        @Override
        public float reward() {
            float[] r = task.rewards();
            if (agents == 1) {
                return r[0];
            }
            double s = 0;
            for (int a = 0; a < agents; a++) {
                s += r[a];
            }
            return (float) (s / agents);
        }

        @Override
        public float reward(int agent) {
            return task.rewards()[agent];
        }

        @Override
        public boolean terminated() {
            return task.terminated()[0];
        }

        @Override
        public boolean truncated() {
            return task.truncated()[0];
        }

        @Override
        public Outcome outcome(int agent) {
            return Outcome.of(task.outcomes()[agent]);
        }

        @Override
        public int clippedComponents() {
            return clippedNow;
        }

        @Override
        public int episodeLength() {
            return task.elapsedSteps(0);
        }

        @Override
        public double episodeReturn() {
            double s = 0;
            for (int a = 0; a < agents; a++) {
                s += episodeReturn[a];
            }
            return s / agents;
        }
    }
}
