package dev.myelin.controller.safety;

import java.util.Locale;

/** Why the safety gate changed or replaced a command; each is counted separately. */
public enum Intervention {
    /** An input was missing or older than its limit: outputs went to the safe command. */
    STALE_INPUT,
    /** An observation value was NaN or infinite: the policy was not run, outputs went safe. */
    NON_FINITE_OBSERVATION,
    /** The policy produced NaN or infinity: outputs went safe. */
    NON_FINITE_ACTION,
    /** The policy threw: outputs went safe. */
    POLICY_FAULT,
    /** No eligible policy is installed: outputs are safe. */
    NO_POLICY,
    /** The e-stop is latched: outputs are safe. */
    ESTOP,
    /** A command was outside its limits and was clamped. */
    CLAMP,
    /** A command changed faster than its rate limit and was slowed. */
    RATE_LIMIT;

    /** Lower-case name used in diagnostics keys, e.g. {@code stale_input}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
