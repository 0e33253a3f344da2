package dev.myelin.sim.random;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A physical or sensor quantity of a task that domain randomization may vary per episode.
 *
 * @param name        snake_case name used in randomization specs ({@code wheel_radius})
 * @param unit        SI unit or {@code "1"} for dimensionless ratios
 * @param nominal     the value of the nominal simulator; relative distributions multiply it
 * @param min         smallest physically meaningful value (sampled values are clamped to it)
 * @param max         largest physically meaningful value
 * @param integral    whether only whole numbers make sense (latency in control periods)
 * @param description one line for humans
 */
public record Parameter(String name, String unit, double nominal, double min, double max, boolean integral,
                        String description) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    public Parameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(description, "description");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("parameter name '" + name + "' must be snake_case");
        }
        if (!(min <= nominal && nominal <= max)) {
            throw new IllegalArgumentException("parameter " + name + ": nominal " + nominal
                    + " lies outside its valid range [" + min + ", " + max + "]");
        }
        if (integral && nominal != Math.rint(nominal)) {
            throw new IllegalArgumentException("parameter " + name + " is integral but its nominal is " + nominal);
        }
    }

    /** A continuous parameter. */
    public static Parameter of(String name, String unit, double nominal, double min, double max, String description) {
        return new Parameter(name, unit, nominal, min, max, false, description);
    }

    /** A parameter that only takes whole values. */
    public static Parameter integral(String name, String unit, double nominal, double min, double max,
                                     String description) {
        return new Parameter(name, unit, nominal, min, max, true, description);
    }

    /** {@code value} clamped to [min, max] (and rounded for integral parameters). */
    public double clamp(double value) {
        double v = Math.max(min, Math.min(max, value));
        return integral ? Math.rint(v) : v;
    }
}
