package dev.myelin.trainer.rl;

import dev.myelin.trainer.nn.RandomStream;

/**
 * A ring buffer of transitions {@code (o, u, r, o', terminal)} with raw observations (normalised when
 * sampled, with the statistics of the moment) and actions in [-1, 1] units. Preallocated; adding and
 * sampling allocate nothing. The training thread.
 */
public final class ReplayBuffer {
    private final int capacity;
    private final int obs;
    private final int act;
    private final float[] o;
    private final float[] u;
    private final float[] r;
    private final float[] o2;
    private final float[] done;
    private int next;
    private int size;

    public ReplayBuffer(int capacity, int obs, int act) {
        if (capacity < 1) {
            throw new IllegalArgumentException("replay capacity must be positive, got " + capacity);
        }
        if ((long) capacity * obs > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("replay capacity " + capacity + " x observation size " + obs
                    + " exceeds one Java array");
        }
        this.capacity = capacity;
        this.obs = obs;
        this.act = act;
        o = new float[capacity * obs];
        u = new float[capacity * act];
        r = new float[capacity];
        o2 = new float[capacity * obs];
        done = new float[capacity];
    }

    /** Stores one transition; the oldest is overwritten when full. */
    public void add(float[] obsRaw, int oOff, float[] action, int uOff, float reward, float[] nextRaw, int nOff,
                    boolean terminal) {
        System.arraycopy(obsRaw, oOff, o, next * obs, obs);
        System.arraycopy(action, uOff, u, next * act, act);
        r[next] = reward;
        System.arraycopy(nextRaw, nOff, o2, next * obs, obs);
        done[next] = terminal ? 1f : 0f;
        next = next + 1 == capacity ? 0 : next + 1;
        if (size < capacity) {
            size++;
        }
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    /** Batch of sampled transitions, filled by {@link #sample}. */
    public static final class Batch {
        public final int size;
        public final float[] obs;
        public final float[] action;
        public final float[] reward;
        public final float[] next;
        public final float[] terminal;

        public Batch(int size, int obsSize, int actSize) {
            this.size = size;
            obs = new float[size * obsSize];
            action = new float[size * actSize];
            reward = new float[size];
            next = new float[size * obsSize];
            terminal = new float[size];
        }
    }

    /** Draws {@code batch.size} transitions uniformly with replacement, observations normalised. */
    public void sample(Batch batch, RandomStream rnd, RunningNormalizer normalizer) {
        sample(batch, 0, batch.size, rnd, normalizer);
    }

    /**
     * Draws {@code count} transitions uniformly with replacement into rows {@code [first, first + count)}
     * of {@code batch} (so two buffers can fill one batch), observations normalised.
     */
    public void sample(Batch batch, int first, int count, RandomStream rnd, RunningNormalizer normalizer) {
        if (size == 0) {
            throw new IllegalStateException("cannot sample an empty replay buffer");
        }
        if (first < 0 || count < 0 || first + count > batch.size) {
            throw new IllegalArgumentException("rows [" + first + ", " + (first + count) + ") outside a batch of " + batch.size);
        }
        for (int k = first; k < first + count; k++) {
            int i = rnd.nextInt(size);
            normalizer.normalize(o, i * obs, batch.obs, k * obs);
            normalizer.normalize(o2, i * obs, batch.next, k * obs);
            System.arraycopy(u, i * act, batch.action, k * act, act);
            batch.reward[k] = r[i];
            batch.terminal[k] = done[i];
        }
    }
}
