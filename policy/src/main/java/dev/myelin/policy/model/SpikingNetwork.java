package dev.myelin.policy.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A spiking policy network: hyperparameters plus named fp32 parameter tensors. Immutable.
 * The three families are PopSAN (feed-forward, T steps per decision), GRSN (recurrent, one step per
 * decision) and the spiking transformer (a window of recent steps).
 */
public sealed interface SpikingNetwork permits PopSan, Grsn, SpikingTransformer {

    /** Family name as written in bundle manifests: {@code popsan}, {@code grsn}, {@code spiking-transformer}. */
    String family();

    int observationSize();

    int actionSize();

    /** True when the network carries state from one decision to the next. */
    boolean recurrent();

    /** Hyperparameters as plain JSON-compatible values (numbers, strings, lists). */
    Map<String, Object> hyperparameters();

    /** Parameter tensors in canonical order. */
    List<Tensor> tensors();

    /** Names and shapes this architecture requires, in canonical order. */
    Map<String, int[]> expectedShapes();

    /** Same architecture with replaced parameter values (same names and shapes). */
    SpikingNetwork withTensors(Map<String, Tensor> replacement);

    /** Multiply-accumulates an ANN of the same layer sizes spends per decision. */
    long annEquivalentMacs();

    default Tensor tensor(String name) {
        for (Tensor t : tensors()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException(family() + " has no tensor named " + name);
    }

    default long parameterCount() {
        long n = 0;
        for (Tensor t : tensors()) {
            n += t.size();
        }
        return n;
    }

    /** Rebuilds a network from a manifest's family, hyperparameters and tensors (the bundle reader's entry). */
    static SpikingNetwork of(String family, Map<String, Object> hyperparameters, Map<String, Tensor> tensors) {
        return switch (family) {
            case PopSan.FAMILY -> PopSan.of(hyperparameters, tensors);
            case Grsn.FAMILY -> Grsn.of(hyperparameters, tensors);
            case SpikingTransformer.FAMILY -> SpikingTransformer.of(hyperparameters, tensors);
            default -> throw new IllegalArgumentException("unknown network family '" + family
                    + "' (known: popsan, grsn, spiking-transformer)");
        };
    }

    /** Checks names, shapes and finiteness; returns the tensors in canonical order. */
    static List<Tensor> checkTensors(String family, Map<String, int[]> expected, Map<String, Tensor> given) {
        List<Tensor> out = new ArrayList<>(expected.size());
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            Tensor t = given.get(e.getKey());
            if (t == null) {
                throw new IllegalArgumentException(family + ": missing tensor " + e.getKey());
            }
            if (!t.hasShape(e.getValue())) {
                throw new IllegalArgumentException(family + ": tensor " + e.getKey() + " has shape "
                        + java.util.Arrays.toString(t.shape()) + ", expected " + java.util.Arrays.toString(e.getValue()));
            }
            int bad = t.firstNonFinite();
            if (bad >= 0) {
                throw new IllegalArgumentException(family + ": tensor " + e.getKey() + " has a non-finite value "
                        + t.data()[bad] + " at index " + bad);
            }
            out.add(t);
        }
        for (String name : given.keySet()) {
            if (!expected.containsKey(name)) {
                throw new IllegalArgumentException(family + ": unexpected tensor " + name);
            }
        }
        return Collections.unmodifiableList(out);
    }

    static Map<String, Tensor> byName(List<Tensor> tensors) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            m.put(t.name(), t);
        }
        return m;
    }
}
