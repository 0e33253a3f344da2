package dev.myelin.drivers.base;

/**
 * Differential-drive geometry: wheel radius r and track width b (wheel contact points' distance).
 * Unicycle to wheels: {@code wL = (v - w b / 2) / r}, {@code wR = (v + w b / 2) / r} (rad/s).
 */
public record BaseGeometry(double wheelRadius, double trackWidth) {
    public BaseGeometry {
        if (!(wheelRadius > 0) || !Double.isFinite(wheelRadius)) {
            throw new IllegalArgumentException("wheel_radius must be positive, got " + wheelRadius);
        }
        if (!(trackWidth > 0) || !Double.isFinite(trackWidth)) {
            throw new IllegalArgumentException("track_width must be positive, got " + trackWidth);
        }
    }

    public double leftWheelSpeed(double linear, double angular) {
        return (linear - angular * trackWidth / 2) / wheelRadius;
    }

    public double rightWheelSpeed(double linear, double angular) {
        return (linear + angular * trackWidth / 2) / wheelRadius;
    }
}
