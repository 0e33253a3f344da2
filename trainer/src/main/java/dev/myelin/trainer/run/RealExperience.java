package dev.myelin.trainer.run;

import java.util.Arrays;

/**
 * Transitions recorded on real robots, for fine-tuning in simulation: raw observations in the task's
 * observation order, actions in the task's physical units (as the robot sent them), the robot's reward,
 * the next observation and whether the episode ended there. A growable column store filled once before
 * training ({@link #add}); {@link TrainingRun#mixRealExperience} then copies it into a replay buffer of
 * its own and draws a fixed share of every batch from it. One thread.
 */
public final class RealExperience {
    private final int obs;
    private final int act;
    private float[] o;
    private float[] u;
    private float[] r;
    private float[] o2;
    private boolean[] done;
    private int size;

    public RealExperience(int observationSize, int actionSize) {
        if (observationSize < 1 || actionSize < 1) {
            throw new IllegalArgumentException("observation and action sizes must be positive, got "
                    + observationSize + " and " + actionSize);
        }
        this.obs = observationSize;
        this.act = actionSize;
        int cap = 1024;
        o = new float[cap * obs];
        u = new float[cap * act];
        r = new float[cap];
        o2 = new float[cap * obs];
        done = new boolean[cap];
    }

    /**
     * Adds one transition; refuses (naming the field) wrong sizes and non-finite values, so nothing
     * unusable reaches the replay buffer.
     */
    public void add(float[] observation, float[] action, float reward, float[] nextObservation, boolean terminal) {
        check("observation", observation, obs);
        check("action", action, act);
        check("next observation", nextObservation, obs);
        if (!Float.isFinite(reward)) {
            throw new IllegalArgumentException("transition " + size + ": reward is " + reward);
        }
        if (size == done.length) {
            int cap = size * 2;
            o = Arrays.copyOf(o, cap * obs);
            u = Arrays.copyOf(u, cap * act);
            r = Arrays.copyOf(r, cap);
            o2 = Arrays.copyOf(o2, cap * obs);
            done = Arrays.copyOf(done, cap);
        }
        System.arraycopy(observation, 0, o, size * obs, obs);
        System.arraycopy(action, 0, u, size * act, act);
        r[size] = reward;
        System.arraycopy(nextObservation, 0, o2, size * obs, obs);
        done[size] = terminal;
        size++;
    }

    private void check(String what, float[] v, int n) {
        if (v == null || v.length != n) {
            throw new IllegalArgumentException("transition " + size + ": " + what + " has "
                    + (v == null ? "no" : String.valueOf(v.length)) + " values, the task has " + n);
        }
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IllegalArgumentException("transition " + size + ": " + what + "[" + i + "] is " + v[i]);
            }
        }
    }

    public int size() {
        return size;
    }

    public int observationSize() {
        return obs;
    }

    public int actionSize() {
        return act;
    }

    float[] observations() {
        return o;
    }

    float[] actions() {
        return u;
    }

    float[] rewards() {
        return r;
    }

    float[] nextObservations() {
        return o2;
    }

    boolean terminal(int i) {
        return done[i];
    }
}
