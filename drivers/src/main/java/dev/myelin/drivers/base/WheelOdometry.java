package dev.myelin.drivers.base;

/**
 * Differential-drive dead reckoning from wheel encoder ticks (the standard midpoint integration):
 * <pre>
 *   sL = 2 pi r dTicksL / ticksPerRev,  sR likewise
 *   ds = (sR + sL) / 2,  dTheta = (sR - sL) / b
 *   x += ds cos(theta + dTheta / 2),  y += ds sin(theta + dTheta / 2),  theta += dTheta
 *   v = ds / dt,  w = dTheta / dt
 * </pre>
 * Pose in the odom frame, starting at the origin facing +x. Not thread-safe: the base loop owns it.
 */
public final class WheelOdometry {
    private final BaseGeometry geometry;
    private final double metersPerTick;
    private long lastLeft;
    private long lastRight;
    private long lastNanos;
    private boolean started;
    private double x;
    private double y;
    private double theta;
    private double linear;
    private double angular;

    public WheelOdometry(BaseGeometry geometry, int ticksPerRevolution) {
        if (ticksPerRevolution <= 0) {
            throw new IllegalArgumentException("encoder ticks_per_revolution must be positive, got " + ticksPerRevolution);
        }
        this.geometry = geometry;
        metersPerTick = 2 * Math.PI * geometry.wheelRadius() / ticksPerRevolution;
    }

    /** Integrates the tick counters read at {@code nowNanos} (the first call only sets the reference). */
    public void update(long leftTicks, long rightTicks, long nowNanos) {
        if (!started) {
            lastLeft = leftTicks;
            lastRight = rightTicks;
            lastNanos = nowNanos;
            started = true;
            return;
        }
        double sl = (leftTicks - lastLeft) * metersPerTick;
        double sr = (rightTicks - lastRight) * metersPerTick;
        double ds = (sr + sl) / 2;
        double dTheta = (sr - sl) / geometry.trackWidth();
        double mid = theta + dTheta / 2;
        x += ds * Math.cos(mid);
        y += ds * Math.sin(mid);
        theta = Math.IEEEremainder(theta + dTheta, 2 * Math.PI);
        double dt = (nowNanos - lastNanos) * 1e-9;
        if (dt > 0) {
            linear = ds / dt;
            angular = dTheta / dt;
        }
        lastLeft = leftTicks;
        lastRight = rightTicks;
        lastNanos = nowNanos;
    }

    public double x() {
        return x;
    }

    public double y() {
        return y;
    }

    /** Heading in (-pi, pi]. */
    public double theta() {
        return theta;
    }

    public double linearVelocity() {
        return linear;
    }

    public double angularVelocity() {
        return angular;
    }
}
