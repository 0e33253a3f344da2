package dev.myelin.trainer.nn;

import java.util.Locale;

/**
 * The pseudo-derivative {@code ds/dv} that replaces the Heaviside spike function's zero-almost-everywhere
 * derivative in the backward pass (surrogate gradient, straight-through style). {@code x = v - threshold}.
 * Stateless; any thread.
 */
public enum Surrogate {
    /** PopSAN's rectangle: 1 where {@code |x| < width}, else 0 (width 0.5 in PopSAN). */
    RECTANGULAR,
    /** Triangle: {@code max(0, 1 - |x| / width)}. */
    TRIANGULAR,
    /** Fast sigmoid (SuperSpike): {@code 1 / (1 + |x| / width)^2}. */
    FAST_SIGMOID;

    /** The pseudo-derivative at {@code x = v - threshold}. */
    public float derivative(float x, float width) {
        float ax = Math.abs(x);
        return switch (this) {
            case RECTANGULAR -> ax < width ? 1f : 0f;
            case TRIANGULAR -> Math.max(0f, 1f - ax / width);
            case FAST_SIGMOID -> {
                float d = 1f + ax / width;
                yield 1f / (d * d);
            }
        };
    }

    /** Name as written in presets: {@code rectangular}, {@code triangular}, {@code fast-sigmoid}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Surrogate fromConfigName(String name) {
        for (Surrogate s : values()) {
            if (s.configName().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown surrogate gradient '" + name
                + "' (known: rectangular, triangular, fast-sigmoid)");
    }
}
