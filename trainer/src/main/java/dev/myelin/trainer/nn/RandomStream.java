package dev.myelin.trainer.nn;

/**
 * A seeded random stream whose whole state is two numbers, so checkpoints can save and restore it and
 * a resumed run draws exactly what an uninterrupted one would: SplitMix64 (Steele, Lea and Flood 2014)
 * for uniform bits, Box-Muller for normals (the second normal of each pair is kept for the next call).
 * One thread.
 */
public final class RandomStream {
    private long state;
    private double spare;
    private boolean hasSpare;

    public RandomStream(long seed) {
        this.state = seed;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        // Lemire's multiply-shift with rejection keeps the draw unbiased.
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xFFFFFFFFL;
        if (low < bound) {
            long threshold = (0x1_0000_0000L - bound) % bound;
            while (low < threshold) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
    }

    /** Uniform in [lo, hi). */
    public float uniform(float lo, float hi) {
        return (float) (lo + (hi - lo) * nextDouble());
    }

    /** Standard normal. */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u1;
        do {
            u1 = nextDouble();
        } while (u1 == 0.0);
        double u2 = nextDouble();
        double r = Math.sqrt(-2.0 * Math.log(u1));
        spare = r * Math.sin(2 * Math.PI * u2);
        hasSpare = true;
        return r * Math.cos(2 * Math.PI * u2);
    }

    /** The state as three longs: counter, spare normal's bits, whether the spare is pending. */
    public long[] state() {
        return new long[] {state, Double.doubleToRawLongBits(spare), hasSpare ? 1 : 0};
    }

    /** Restores what {@link #state()} returned. */
    public void restore(long[] s) {
        if (s.length != 3 || (s[2] != 0 && s[2] != 1)) {
            throw new IllegalArgumentException("random stream state must be 3 longs with a 0/1 flag");
        }
        state = s[0];
        spare = Double.longBitsToDouble(s[1]);
        hasSpare = s[2] == 1;
    }
}
