package dev.myelin.sim.random;

import java.util.Arrays;

/**
 * A per-episode distribution of one parameter. Sampling draws from a world's SplitMix64 state and
 * is called at episode reset only. Implementations are immutable; any thread.
 */
public sealed interface Distribution {

    /** One sample, advancing {@code rng[i]}. */
    double sample(long[] rng, int i);

    /** Smallest value a sample can take ({@code -Infinity} when unbounded). */
    double lowest();

    /** Largest value a sample can take ({@code +Infinity} when unbounded). */
    double highest();

    /** Whether every sample is a whole number. */
    boolean integral();

    /** The mean of the distribution. */
    double mean();

    /** Always {@code value}. */
    record Constant(double value) implements Distribution {
        public double sample(long[] rng, int i) {
            return value;
        }

        public double lowest() {
            return value;
        }

        public double highest() {
            return value;
        }

        public boolean integral() {
            return value == Math.rint(value);
        }

        public double mean() {
            return value;
        }
    }

    /** Uniform on [low, high). */
    record Uniform(double low, double high) implements Distribution {
        public Uniform {
            if (!(low <= high)) {
                throw new IllegalArgumentException("uniform needs low <= high, got low " + low + ", high " + high);
            }
        }

        public double sample(long[] rng, int i) {
            return low + (high - low) * SplitMix.nextDouble(rng, i);
        }

        public double lowest() {
            return low;
        }

        public double highest() {
            return high;
        }

        public boolean integral() {
            return low == high && low == Math.rint(low);
        }

        public double mean() {
            return 0.5 * (low + high);
        }
    }

    /** Uniform over the whole numbers low, low + 1, ..., high. */
    record UniformInt(long low, long high) implements Distribution {
        public UniformInt {
            if (low > high) {
                throw new IllegalArgumentException("uniform-int needs low <= high, got low " + low + ", high " + high);
            }
        }

        public double sample(long[] rng, int i) {
            long span = high - low + 1;
            return low + (long) (SplitMix.nextDouble(rng, i) * span);
        }

        public double lowest() {
            return low;
        }

        public double highest() {
            return high;
        }

        public boolean integral() {
            return true;
        }

        public double mean() {
            return 0.5 * (low + high);
        }
    }

    /** log(x) uniform on [log low, log high); for scale-like quantities (time constants). */
    record LogUniform(double low, double high) implements Distribution {
        public LogUniform {
            if (!(low > 0 && low <= high)) {
                throw new IllegalArgumentException("loguniform needs 0 < low <= high, got low " + low + ", high " + high);
            }
        }

        public double sample(long[] rng, int i) {
            return low * Math.exp(Math.log(high / low) * SplitMix.nextDouble(rng, i));
        }

        public double lowest() {
            return low;
        }

        public double highest() {
            return high;
        }

        public boolean integral() {
            return false;
        }

        public double mean() {
            return low == high ? low : (high - low) / Math.log(high / low);
        }
    }

    /** Gaussian; samples are clamped to the parameter's valid range by the caller. */
    record Normal(double mean, double std) implements Distribution {
        public Normal {
            if (!(std >= 0) || !Double.isFinite(mean) || !Double.isFinite(std)) {
                throw new IllegalArgumentException("normal needs a finite mean and std >= 0, got mean " + mean
                        + ", std " + std);
            }
        }

        public double sample(long[] rng, int i) {
            return mean + std * SplitMix.nextGaussian(rng, i);
        }

        public double lowest() {
            return std == 0 ? mean : Double.NEGATIVE_INFINITY;
        }

        public double highest() {
            return std == 0 ? mean : Double.POSITIVE_INFINITY;
        }

        public boolean integral() {
            return std == 0 && mean == Math.rint(mean);
        }
    }

    /** One of the listed values, each equally likely. */
    record Choice(double[] values) implements Distribution {
        public Choice {
            if (values.length == 0) {
                throw new IllegalArgumentException("choice needs at least one value");
            }
            values = values.clone();
        }

        public double sample(long[] rng, int i) {
            return values[(int) (SplitMix.nextDouble(rng, i) * values.length)];
        }

        public double lowest() {
            return Arrays.stream(values).min().orElseThrow();
        }

        public double highest() {
            return Arrays.stream(values).max().orElseThrow();
        }

        public boolean integral() {
            return Arrays.stream(values).allMatch(v -> v == Math.rint(v));
        }

        public double mean() {
            return Arrays.stream(values).average().orElseThrow();
        }

        @Override
        public double[] values() {
            return values.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Choice c && Arrays.equals(values, c.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return "Choice" + Arrays.toString(values);
        }
    }
}
