package dev.myelin.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A continuous box of named components, Gymnasium's {@code Box} with names, units and a kind per
 * component. Observation vectors and action vectors are plain {@code float[]} in this order; policy
 * bundles carry the same names. Immutable; any thread.
 */
public final class BoxSpace {

    /** What a component measures, which decides what the POMDP wrappers keep. */
    public enum Kind {
        /** Configuration: angles, positions, ranges, distances and bearings. */
        POSITION,
        /** Rates of change: linear and angular velocities. */
        VELOCITY,
        /** A command sent to the plant (action components). */
        COMMAND,
        /** Forces and torques (contact wrenches, touch sensors): kept by neither POMDP selection. */
        FORCE
    }

    private final String[] names;
    private final String[] units;
    private final float[] low;
    private final float[] high;
    private final Kind[] kinds;

    private BoxSpace(String[] names, String[] units, float[] low, float[] high, Kind[] kinds) {
        this.names = names;
        this.units = units;
        this.low = low;
        this.high = high;
        this.kinds = kinds;
    }

    /** Starts a space; add components in vector order. */
    public static Builder builder() {
        return new Builder();
    }

    /** Number of components. */
    public int size() {
        return names.length;
    }

    /** Name of component {@code i}. */
    public String name(int i) {
        return names[i];
    }

    /** Unit of component {@code i}. */
    public String unit(int i) {
        return units[i];
    }

    /** Lower bound of component {@code i} (may be {@code -Infinity}). */
    public float low(int i) {
        return low[i];
    }

    /** Upper bound of component {@code i} (may be {@code +Infinity}). */
    public float high(int i) {
        return high[i];
    }

    /** Kind of component {@code i}. */
    public Kind kind(int i) {
        return kinds[i];
    }

    /** Index of the component called {@code name}. */
    public int indexOf(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no component '" + name + "' in " + Arrays.toString(names));
    }

    /** Component names in order. */
    public List<String> names() {
        return List.of(names);
    }

    /** The space made of components {@code indices} of this one, in that order. */
    public BoxSpace select(int[] indices) {
        Builder b = builder();
        for (int i : indices) {
            b.add(names[i], units[i], low[i], high[i], kinds[i]);
        }
        return b.build();
    }

    /** Whether {@code x} lies within [low, high] component by component. */
    public boolean contains(float[] x, int offset) {
        for (int i = 0; i < names.length; i++) {
            float v = x[offset + i];
            if (!(v >= low[i] && v <= high[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Box[");
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(names[i]).append(" (").append(units[i]).append(") [").append(low[i]).append(", ")
                    .append(high[i]).append(']');
        }
        return sb.append(']').toString();
    }

    /** Collects components. */
    public static final class Builder {
        private final List<String> names = new ArrayList<>();
        private final List<String> units = new ArrayList<>();
        private final List<Float> low = new ArrayList<>();
        private final List<Float> high = new ArrayList<>();
        private final List<Kind> kinds = new ArrayList<>();

        private Builder() {
        }

        /** Adds one component. */
        public Builder add(String name, String unit, float lo, float hi, Kind kind) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(kind, "kind");
            if (names.contains(name)) {
                throw new IllegalArgumentException("component '" + name + "' added twice");
            }
            if (Float.isNaN(lo) || Float.isNaN(hi) || lo > hi) {
                throw new IllegalArgumentException("component '" + name + "': bounds [" + lo + ", " + hi + "] are not a range");
            }
            names.add(name);
            units.add(unit);
            low.add(lo);
            high.add(hi);
            kinds.add(kind);
            return this;
        }

        /** The immutable space. */
        public BoxSpace build() {
            int n = names.size();
            float[] lo = new float[n];
            float[] hi = new float[n];
            for (int i = 0; i < n; i++) {
                lo[i] = low.get(i);
                hi[i] = high.get(i);
            }
            return new BoxSpace(names.toArray(String[]::new), units.toArray(String[]::new), lo, hi,
                    kinds.toArray(Kind[]::new));
        }
    }
}
