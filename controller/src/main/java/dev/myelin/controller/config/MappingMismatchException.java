package dev.myelin.controller.config;

/** The parameter file's observation/action mapping does not fit a bundle; the message names both sides. */
public final class MappingMismatchException extends IllegalArgumentException {
    public MappingMismatchException(String message) {
        super(message);
    }
}
