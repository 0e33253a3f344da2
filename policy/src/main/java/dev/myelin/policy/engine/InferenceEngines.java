package dev.myelin.policy.engine;

import dev.myelin.policy.model.Grsn;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import dev.myelin.policy.model.SpikingTransformer;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Builds inference engines by name. Built in: {@code dense} (fp32 reference), {@code event}
 * (event-driven fp32, bit-identical to dense), {@code int8} (int8 weights, Q12 fixed-point state).
 * Further backends (e.g. a neuromorphic board) register an {@link EngineFactory} through
 * {@link ServiceLoader}.
 */
public final class InferenceEngines {
    public static final List<String> BUILT_IN = List.of("dense", "event", "int8");
    /** Seed of the Poisson encoder's generator unless configured otherwise. */
    public static final long DEFAULT_SEED = 0x5EED_5EEDL;

    private InferenceEngines() {
    }

    /** A pluggable engine implementation. */
    public interface EngineFactory {
        /** The name used in configuration, e.g. {@code board}. */
        String name();

        InferenceEngine create(Policy policy, String options);
    }

    /**
     * Compiles the built-in engines' Vector API kernels on small inputs, once per process; later calls
     * return at once. A process that will run engines calls it at start-up, so that building and
     * warming an engine later (a policy swap while the control loop runs) does not run the kernels
     * uncompiled, where every vector operation allocates. Returns whether the kernels ended up
     * allocation-free (true as well when the Vector API is not in use).
     */
    public static boolean warmKernels() {
        return KernelWarmUp.run().allocationFree();
    }

    public static InferenceEngine create(String name, Policy policy) {
        return create(name, policy, DEFAULT_SEED);
    }

    /** @param seed seed of the Poisson encoder (ignored by deterministic encoders) */
    public static InferenceEngine create(String name, Policy policy, long seed) {
        return switch (name) {
            case "dense" -> floating(policy, false, seed);
            case "event" -> floating(policy, true, seed);
            case "int8" -> switch (policy.network()) {
                case PopSan p -> new PopSanInt8(policy, seed);
                case Grsn g -> new GrsnInt8(policy);
                case SpikingTransformer t -> new TransformerInt8(policy);
            };
            default -> fromServices(name, policy);
        };
    }

    private static InferenceEngine floating(Policy policy, boolean eventDriven, long seed) {
        return switch (policy.network()) {
            case PopSan p -> new PopSanFloat(policy, eventDriven, seed);
            case Grsn g -> new GrsnFloat(policy, eventDriven);
            case SpikingTransformer t -> new TransformerFloat(policy, eventDriven);
        };
    }

    private static InferenceEngine fromServices(String spec, Policy policy) {
        int colon = spec.indexOf(':');
        String name = colon < 0 ? spec : spec.substring(0, colon);
        String options = colon < 0 ? "" : spec.substring(colon + 1);
        List<String> known = new ArrayList<>(BUILT_IN);
        for (EngineFactory f : ServiceLoader.load(EngineFactory.class)) {
            if (f.name().equals(name)) {
                return f.create(policy, options);
            }
            known.add(f.name());
        }
        throw new IllegalArgumentException("unknown inference engine '" + spec + "' (known: " + String.join(", ", known) + ")");
    }
}
