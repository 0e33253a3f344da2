package dev.myelin.controller.hosting;

/** A bundle that cannot become eligible to run; the message says which bundle and why. Nothing was changed. */
public final class PolicyRejectedException extends Exception {
    public PolicyRejectedException(String message) {
        super(message);
    }

    public PolicyRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
