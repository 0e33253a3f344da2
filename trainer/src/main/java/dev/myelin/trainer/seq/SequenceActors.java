package dev.myelin.trainer.seq;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sequence-actor families by name: {@code popsan}, {@code mlp}, {@code grsn}, {@code gru},
 * {@code spiking-transformer}. Every family's class has a static
 * {@code create(int observationSize, int actionSize, Map<String, Object> options, long seed)}, called
 * here directly. {@link #available} tells by class name whether a family is part of a build, so that
 * tools such as the comparison can report a missing one instead of failing. Stateless; any thread.
 */
public final class SequenceActors {
    /** Every family, in the order the comparison reports them. */
    public static final List<String> FAMILIES = List.of("popsan", "grsn", "spiking-transformer", "gru", "mlp");

    private SequenceActors() {
    }

    /** A new actor of {@code family} with seeded initial weights. */
    public static SequenceActor create(String family, int observationSize, int actionSize, Map<String, Object> options,
                                       long seed) {
        Map<String, Object> o = options == null ? Map.of() : options;
        return switch (family == null ? "" : family) {
            case PopSanSequenceActor.FAMILY -> PopSanSequenceActor.create(observationSize, actionSize, o, seed);
            case MlpActor.FAMILY -> MlpActor.create(observationSize, actionSize, o, seed);
            case "grsn" -> GrsnActor.create(observationSize, actionSize, o, seed);
            case "gru" -> GruActor.create(observationSize, actionSize, o, seed);
            case "spiking-transformer" -> TransformerActor.create(observationSize, actionSize, o, seed);
            default -> throw new IllegalArgumentException("unknown actor family '" + family + "' (known: "
                    + String.join(", ", FAMILIES) + ")");
        };
    }

    /** The class implementing {@code family}. */
    static String className(String family) {
        return switch (family) {
            case "popsan" -> PopSanSequenceActor.class.getName();
            case "mlp" -> MlpActor.class.getName();
            case "grsn" -> GrsnActor.class.getName();
            case "gru" -> GruActor.class.getName();
            case "spiking-transformer" -> TransformerActor.class.getName();
            default -> throw new IllegalArgumentException("unknown actor family '" + family + "' (known: "
                    + String.join(", ", FAMILIES) + ")");
        };
    }

    /** Whether {@code family}'s class is part of this build. */
    public static boolean available(String family) {
        try {
            Class.forName(className(family), false, SequenceActors.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The families this build can train. */
    public static List<String> availableFamilies() {
        List<String> out = new ArrayList<>();
        for (String f : FAMILIES) {
            if (available(f)) {
                out.add(f);
            }
        }
        return out;
    }

    static void requireSizes(String family, int obs, int act) {
        if (obs < 1 || act < 1) {
            throw new IllegalArgumentException(family + " actor: observation and action sizes must be positive, got "
                    + obs + " and " + act);
        }
    }

    static void requireShape(int batch, int steps) {
        if (batch < 1 || steps < 1) {
            throw new IllegalArgumentException("sequence batch and steps must be >= 1, got " + batch + " and " + steps);
        }
    }

    /** Checks a saved stepper state's length. */
    static void checkState(String family, float[] state, int expected) {
        if (state == null || state.length != expected) {
            throw new IllegalArgumentException(family + " stepper: saved state holds " + (state == null ? 0 : state.length)
                    + " values, this stepper has " + expected + " (another actor shape or lane count?)");
        }
    }
}
