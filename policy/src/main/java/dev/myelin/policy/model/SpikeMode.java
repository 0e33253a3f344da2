package dev.myelin.policy.model;

/** How the population encoder turns receptive-field activations A in [0, 1] into spikes. */
public enum SpikeMode {
    /** Regular spikes: accumulate A each step, spike when the sum exceeds 0.999, then subtract 0.999. */
    DETERMINISTIC,
    /** Poisson spikes: Bernoulli(A) each step, from the engine's seeded generator. */
    POISSON
}
