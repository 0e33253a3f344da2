package dev.myelin.controller.config;

/** A parameter file that cannot be used; the message names the file, the parameter and what was wrong. */
public final class ParamsException extends IllegalArgumentException {
    public ParamsException(String message) {
        super(message);
    }
}
