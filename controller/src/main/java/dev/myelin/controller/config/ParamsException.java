package dev.myelin.controller.config;

/** A parameter file that cannot be used; the message names the file, the parameter and what was wrong. */
public final class ParamsException extends IllegalArgumentException {
    private final String key;

    public ParamsException(String message) {
        this(message, null);
    }

    /** @param key the dotted parameter path that is wrong, e.g. {@code controller.ros__parameters.rate_hz} */
    public ParamsException(String message, String key) {
        super(message);
        this.key = key;
    }

    /** The dotted parameter path that is wrong, or null when the problem is not one key's. */
    public String key() {
        return key;
    }
}
