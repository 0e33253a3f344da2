package dev.myelin.policy.model;

import java.util.Arrays;

/**
 * A named fp32 tensor in row-major order. Weight matrices are {@code [out, in]}, as in PyTorch.
 * The data array is owned by the tensor; callers must not modify it after construction.
 */
public record Tensor(String name, int[] shape, float[] data) {

    public Tensor {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("tensor name must not be empty");
        }
        if (shape == null || shape.length == 0) {
            throw new IllegalArgumentException("tensor " + name + ": shape must have at least one dimension");
        }
        long n = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("tensor " + name + ": dimension " + d + " in shape "
                        + Arrays.toString(shape) + " must be positive");
            }
            n *= d;
        }
        if (data == null || data.length != n) {
            throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " needs "
                    + n + " values, got " + (data == null ? 0 : data.length));
        }
        shape = shape.clone();
    }

    public static Tensor of(String name, float[] data, int... shape) {
        return new Tensor(name, shape, data);
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i];
    }

    public int size() {
        return data.length;
    }

    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    /** Index of the first non-finite value, or -1. */
    public int firstNonFinite() {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }

    public Tensor withData(float[] newData) {
        return new Tensor(name, shape, newData);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && name.equals(t.name) && Arrays.equals(shape, t.shape)
                && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
