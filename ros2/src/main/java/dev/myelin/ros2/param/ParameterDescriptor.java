package dev.myelin.ros2.param;

/**
 * What a parameter may hold, as {@code rcl_interfaces/msg/ParameterDescriptor} says it.
 *
 * @param name        the parameter's name, dotted for nested keys ({@code safety.estop_topic})
 * @param type        its type; a set must keep it
 * @param description one line for humans
 * @param readOnly    true when the node cannot change it while running (a set is refused)
 * @param min         lowest allowed value of an INTEGER or DOUBLE parameter, or null
 * @param max         highest allowed value, or null
 * @param constraints other rules in words ({@code additional_constraints}), may be empty
 */
public record ParameterDescriptor(String name, ParameterType type, String description, boolean readOnly,
                                  Double min, Double max, String constraints) {
    public ParameterDescriptor {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("parameter name is empty");
        }
        if ((min != null || max != null) && type != ParameterType.INTEGER && type != ParameterType.DOUBLE) {
            throw new IllegalArgumentException("parameter " + name + ": a range needs an integer or double type, not " + type);
        }
        description = description == null ? "" : description;
        constraints = constraints == null ? "" : constraints;
    }

    /** A read-write parameter without range. */
    public static ParameterDescriptor of(String name, ParameterType type, String description) {
        return new ParameterDescriptor(name, type, description, false, null, null, "");
    }

    public ParameterDescriptor asReadOnly() {
        return new ParameterDescriptor(name, type, description, true, min, max, constraints);
    }

    public ParameterDescriptor range(double from, double to) {
        return new ParameterDescriptor(name, type, description, readOnly, from, to, constraints);
    }
}
