package dev.myelin.trainer.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainable tensors of one network as named slices of a single flat fp32 array, so that gradients
 * can be averaged across ranks with one Allreduce, optimised with one Adam pass, copied to a target
 * network with one polyak pass and checkpointed as one block. The gradient array has the same layout.
 * The arrays are owned by this object and written by the training thread only.
 */
public final class Parameters {

    /** One tensor: {@code size} values from {@code offset}, row-major in {@code shape}. */
    public record Slice(String name, int[] shape, int offset, int size) {
        public Slice {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        public int dim(int i) {
            return shape[i];
        }
    }

    private final List<Slice> slices;
    private final Map<String, Slice> byName;
    private final float[] values;
    private final float[] gradients;

    private Parameters(List<Slice> slices, int size) {
        this.slices = Collections.unmodifiableList(slices);
        Map<String, Slice> m = new LinkedHashMap<>();
        for (Slice s : slices) {
            m.put(s.name(), s);
        }
        this.byName = Collections.unmodifiableMap(m);
        this.values = new float[size];
        this.gradients = new float[size];
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects slices in order. */
    public static final class Builder {
        private final List<Slice> slices = new ArrayList<>();
        private int size;

        public Builder add(String name, int... shape) {
            long n = 1;
            for (int d : shape) {
                if (d <= 0) {
                    throw new IllegalArgumentException("parameter " + name + ": dimension " + d + " in "
                            + Arrays.toString(shape) + " must be positive");
                }
                n *= d;
            }
            for (Slice s : slices) {
                if (s.name().equals(name)) {
                    throw new IllegalArgumentException("parameter " + name + " added twice");
                }
            }
            if (size + n > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("parameters exceed one Java array at " + name);
            }
            slices.add(new Slice(name, shape, size, (int) n));
            size += (int) n;
            return this;
        }

        public Parameters build() {
            return new Parameters(new ArrayList<>(slices), size);
        }
    }

    public List<Slice> slices() {
        return slices;
    }

    /** The slice called {@code name}; IllegalArgumentException naming the known ones otherwise. */
    public Slice slice(String name) {
        Slice s = byName.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no parameter '" + name + "' (known: " + byName.keySet() + ")");
        }
        return s;
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    public int offset(String name) {
        return slice(name).offset();
    }

    /** Total number of values. */
    public int size() {
        return values.length;
    }

    /** The flat values (live, not a copy). */
    public float[] values() {
        return values;
    }

    /** The flat gradients (live, not a copy). */
    public float[] gradients() {
        return gradients;
    }

    public void zeroGradients() {
        Arrays.fill(gradients, 0f);
    }

    /** A copy of slice {@code name}'s values. */
    public float[] copyOf(String name) {
        Slice s = slice(name);
        return Arrays.copyOfRange(values, s.offset(), s.offset() + s.size());
    }

    /** Sets slice {@code name} from {@code data}, which must have the slice's size. */
    public void set(String name, float[] data) {
        Slice s = slice(name);
        if (data.length != s.size()) {
            throw new IllegalArgumentException("parameter " + name + " holds " + s.size() + " values, got " + data.length);
        }
        System.arraycopy(data, 0, values, s.offset(), s.size());
    }

    /** A parameter set with the same layout, values copied (a target network). */
    public Parameters copy() {
        Parameters p = new Parameters(new ArrayList<>(slices), values.length);
        System.arraycopy(values, 0, p.values, 0, values.length);
        return p;
    }

    /** Whether {@code other} has the same slice names, shapes and order. */
    public boolean sameLayout(Parameters other) {
        if (other.slices.size() != slices.size()) {
            return false;
        }
        for (int i = 0; i < slices.size(); i++) {
            Slice a = slices.get(i);
            Slice b = other.slices.get(i);
            if (!a.name().equals(b.name()) || !Arrays.equals(a.shape, b.shape)) {
                return false;
            }
        }
        return true;
    }

    /** {@code this = tau * this + (1 - tau) * source} (polyak averaging of a target network). */
    public void polyakFrom(Parameters source, float tau) {
        float[] s = source.values;
        float keep = tau;
        float take = 1f - tau;
        for (int i = 0; i < values.length; i++) {
            values[i] = keep * values[i] + take * s[i];
        }
    }

    /** Index of the first non-finite gradient, or -1. */
    public int firstNonFiniteGradient() {
        for (int i = 0; i < gradients.length; i++) {
            if (!Float.isFinite(gradients[i])) {
                return i;
            }
        }
        return -1;
    }

    /** The name of the slice holding flat index {@code i}. */
    public String nameAt(int i) {
        for (Slice s : slices) {
            if (i >= s.offset() && i < s.offset() + s.size()) {
                return s.name();
            }
        }
        throw new IndexOutOfBoundsException(i);
    }
}
