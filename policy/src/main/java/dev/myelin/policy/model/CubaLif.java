package dev.myelin.policy.model;

/**
 * Current-based leaky integrate-and-fire neuron of PopSAN (Tang et al., CoRL 2020), per timestep:
 * <pre>
 *   c[t] = currentDecay * c[t-1] + W x[t] + b
 *   v[t] = voltageDecay * v[t-1] * (1 - s[t-1]) + c[t]
 *   s[t] = v[t] > threshold
 * </pre>
 * State starts at zero for every decision. PopSAN's constants are 0.5, 0.75 and 0.5.
 */
public record CubaLif(float currentDecay, float voltageDecay, float threshold) {

    public static final CubaLif POPSAN = new CubaLif(0.5f, 0.75f, 0.5f);

    public CubaLif {
        check("currentDecay", currentDecay);
        check("voltageDecay", voltageDecay);
        if (!(threshold > 0f) || !Float.isFinite(threshold)) {
            throw new IllegalArgumentException("LIF threshold must be positive and finite, got " + threshold);
        }
    }

    private static void check(String name, float decay) {
        if (!(decay >= 0f && decay < 1f)) {
            throw new IllegalArgumentException("LIF " + name + " must be in [0, 1), got " + decay);
        }
    }
}
