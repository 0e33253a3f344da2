package dev.myelin.drivers.base;

/**
 * Differential-drive motor driver: {@code cmd_vel} (linear.x m/s, angular.z rad/s) to the two
 * {@link MotorChannel}s through the {@link BaseGeometry}. When no command arrived for
 * {@code commandTimeoutNanos} the motors stop (a silent controller must not leave the robot driving).
 * Called on one thread (the base node's loop); times are {@link System#nanoTime()}.
 */
public final class MotorDriver {
    private final BaseGeometry geometry;
    private final MotorChannel left;
    private final MotorChannel right;
    private final long commandTimeoutNanos;
    private long lastCommandNanos;
    private boolean haveCommand;
    private boolean stopped = true;
    private long silenceStops;

    public MotorDriver(BaseGeometry geometry, MotorChannel left, MotorChannel right, long commandTimeoutNanos) {
        if (commandTimeoutNanos <= 0) {
            throw new IllegalArgumentException("command timeout must be positive, got " + commandTimeoutNanos + " ns");
        }
        this.geometry = geometry;
        this.left = left;
        this.right = right;
        this.commandTimeoutNanos = commandTimeoutNanos;
    }

    /** A velocity command received at {@code nowNanos}; non-finite values stop the motors. */
    public void command(double linear, double angular, long nowNanos) {
        if (!Double.isFinite(linear) || !Double.isFinite(angular)) {
            stop();
            return;
        }
        left.drive(geometry.leftWheelSpeed(linear, angular));
        right.drive(geometry.rightWheelSpeed(linear, angular));
        lastCommandNanos = nowNanos;
        haveCommand = true;
        stopped = false;
    }

    /** Stops the motors when commands went silent; call every loop iteration. Returns true if it stopped them now. */
    public boolean checkSilence(long nowNanos) {
        if (!stopped && haveCommand && nowNanos - lastCommandNanos > commandTimeoutNanos) {
            stop();
            silenceStops++;
            return true;
        }
        return false;
    }

    public void stop() {
        left.stop();
        right.stop();
        stopped = true;
    }

    public boolean stopped() {
        return stopped;
    }

    /** Times the motors were stopped because commands went silent. */
    public long silenceStops() {
        return silenceStops;
    }

    public MotorChannel left() {
        return left;
    }

    public MotorChannel right() {
        return right;
    }
}
