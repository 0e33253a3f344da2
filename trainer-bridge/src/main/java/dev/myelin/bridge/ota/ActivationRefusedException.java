package dev.myelin.bridge.ota;

/**
 * The robot cannot run a (valid, verified) bundle: its observation or action channels do not match what the
 * robot provides, an engine cannot be built for it, or the control loop refused the switch. The update agent
 * treats the release as failed and keeps the running policy.
 */
public final class ActivationRefusedException extends Exception {

    public ActivationRefusedException(String message) {
        super(message);
    }

    public ActivationRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
