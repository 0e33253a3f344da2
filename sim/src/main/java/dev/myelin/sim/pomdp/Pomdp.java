package dev.myelin.sim.pomdp;

import dev.myelin.sim.BoxSpace;

import java.util.ArrayList;
import java.util.List;

/**
 * The partially observable variants any task can be wrapped in, by name:
 * <ul>
 * <li>{@code position-only}: velocity components removed;</li>
 * <li>{@code velocity-only}: position components removed;</li>
 * <li>{@code dropout=P}: each component reads 0 with probability P each step;</li>
 * <li>{@code delay=K}: observations arrive K steps late.</li>
 * </ul>
 * Several may be chained with commas, applied left to right: {@code position-only,delay=2}.
 */
public final class Pomdp {
    private Pomdp() {
    }

    public static ObservationFilter.Factory positionOnly() {
        return (space, agents) -> new ComponentSelection(space, BoxSpace.Kind.POSITION);
    }

    public static ObservationFilter.Factory velocityOnly() {
        return (space, agents) -> new ComponentSelection(space, BoxSpace.Kind.VELOCITY);
    }

    public static ObservationFilter.Factory dropout(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + probability);
        }
        return (space, agents) -> new SensorDropout(space, agents, probability);
    }

    public static ObservationFilter.Factory delay(int steps) {
        if (steps < 0 || steps > 1000) {
            throw new IllegalArgumentException("observation delay must be in [0, 1000] steps, got " + steps);
        }
        return (space, agents) -> new ObservationDelay(space, agents, steps);
    }

    /** Parses a comma-separated list such as {@code position-only,dropout=0.1,delay=2}; empty gives none. */
    public static List<ObservationFilter.Factory> parse(String text) {
        List<ObservationFilter.Factory> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String raw : text.split(",")) {
            String item = raw.trim();
            if (item.equals("position-only")) {
                out.add(positionOnly());
            } else if (item.equals("velocity-only")) {
                out.add(velocityOnly());
            } else if (item.startsWith("dropout=")) {
                out.add(dropout(number(item, item.substring(8))));
            } else if (item.startsWith("delay=")) {
                double k = number(item, item.substring(6));
                if (k != Math.rint(k)) {
                    throw new IllegalArgumentException("'" + item + "': delay counts whole steps");
                }
                out.add(delay((int) k));
            } else {
                throw new IllegalArgumentException("unknown observation variant '" + item
                        + "' (position-only, velocity-only, dropout=P, delay=K)");
            }
        }
        return out;
    }

    private static double number(String item, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + item + "': '" + value + "' is not a number");
        }
    }
}
