package dev.myelin.policy.model;

import java.util.SplittableRandom;

/** Random initialisation used for freshly built networks (PyTorch Linear's uniform(-1/sqrt(in), 1/sqrt(in)) times a gain). */
final class Init {
    private Init() {
    }

    static Tensor uniform(SplittableRandom rnd, String name, float bound, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
        return new Tensor(name, shape, a);
    }

    static Tensor linearWeight(SplittableRandom rnd, String name, float gain, int out, int in) {
        return uniform(rnd, name, gain / (float) Math.sqrt(in), out, in);
    }

    static Tensor filled(String name, float value, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] a = new float[n];
        java.util.Arrays.fill(a, value);
        return new Tensor(name, shape, a);
    }
}
