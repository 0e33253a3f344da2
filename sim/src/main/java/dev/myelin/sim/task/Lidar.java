package dev.myelin.sim.task;

import dev.myelin.sim.random.NormalTable;
import dev.myelin.sim.random.SplitMix;

/**
 * A planar scanning range finder: beam geometry as in {@code sensor_msgs/LaserScan} (beam k points
 * at {@code angleMin + k * angleIncrement} in the robot frame, counter-clockwise from the heading)
 * and ray casting against a square arena and circles.
 *
 * <p>Circles are cast analytically and culled by angle: a circle of radius r at distance d can only be
 * hit by beams within asin(r/d) of its bearing, so only those beams solve the ray-circle quadratic
 * {@code t = t_c - sqrt(r^2 - (d^2 - t_c^2))}. The half-width uses the upper bound
 * {@code asin(s) <= s + (pi/2 - 1) s^3} on [0, 1] to avoid an asin per circle. Immutable; the cast
 * methods write only into the caller's array, so any thread may use one instance concurrently.
 */
public final class Lidar {
    /** pi/2 - 1: makes {@code s + c s^3} an upper bound of asin(s) on [0, 1]. */
    static final double ASIN_SLACK = Math.PI / 2 - 1;
    /** Bound on the error of {@link #fastAtan2} (about 1e-5 rad) with a wide margin. */
    static final double ATAN_ERROR = 1e-4;

    private final int beams;
    private final double angleMin;
    private final double angleIncrement;
    private final double rangeMin;
    private final double rangeMax;
    private final boolean fullCircle;
    private final double[] cosBeam;
    private final double[] sinBeam;

    /**
     * @param beams       number of beams (>= 1)
     * @param fieldOfView angular width, radians; 2 pi gives a full circle starting behind the robot (-pi)
     * @param rangeMin    shortest reported range, m
     * @param rangeMax    longest reported range, m; no return reads as {@code rangeMax}
     */
    public Lidar(int beams, double fieldOfView, double rangeMin, double rangeMax) {
        if (beams < 1) {
            throw new IllegalArgumentException("lidar needs at least one beam, got " + beams);
        }
        if (!(rangeMin >= 0 && rangeMin < rangeMax)) {
            throw new IllegalArgumentException("lidar range must satisfy 0 <= min < max, got [" + rangeMin + ", " + rangeMax + "]");
        }
        this.beams = beams;
        this.rangeMin = rangeMin;
        this.rangeMax = rangeMax;
        this.fullCircle = fieldOfView >= 2 * Math.PI - 1e-9;
        if (fullCircle) {
            angleMin = -Math.PI;
            angleIncrement = 2 * Math.PI / beams;
        } else if (beams == 1) {
            angleMin = 0;
            angleIncrement = fieldOfView;
        } else {
            angleMin = -fieldOfView / 2;
            angleIncrement = fieldOfView / (beams - 1);
        }
        cosBeam = new double[beams];
        sinBeam = new double[beams];
        for (int k = 0; k < beams; k++) {
            double a = angleMin + k * angleIncrement;
            cosBeam[k] = Math.cos(a);
            sinBeam[k] = Math.sin(a);
        }
    }

    public int beams() {
        return beams;
    }

    /** Angle of beam 0 in the robot frame, rad. */
    public double angleMin() {
        return angleMin;
    }

    /** Angle between consecutive beams, rad. */
    public double angleIncrement() {
        return angleIncrement;
    }

    /** Angle of the last beam, rad. */
    public double angleMax() {
        return angleMin + (beams - 1) * angleIncrement;
    }

    public double rangeMin() {
        return rangeMin;
    }

    public double rangeMax() {
        return rangeMax;
    }

    /** Direction of beam {@code k} in the robot frame. */
    public double beamAngle(int k) {
        return angleMin + k * angleIncrement;
    }

    /**
     * Starts a scan: the range to the walls of the square [-half, half]^2 for every beam, capped at
     * {@code rangeMax}, from a sensor at (x, y) whose heading has cosine {@code ch} and sine {@code sh}.
     */
    public void castWalls(double x, double y, double ch, double sh, double half, float[] out, int off) {
        final double max = rangeMax;
        // Branch-free slab test: along each axis the wall ahead is (half - sign(d) p) / |d| away, and a
        // zero direction component divides a positive distance by zero, giving +Infinity.
        for (int k = 0; k < beams; k++) {
            double dx = ch * cosBeam[k] - sh * sinBeam[k];
            double dy = sh * cosBeam[k] + ch * sinBeam[k];
            double tx = (half - Math.copySign(1.0, dx) * x) / Math.abs(dx);
            double ty = (half - Math.copySign(1.0, dy) * y) / Math.abs(dy);
            out[off + k] = (float) Math.max(Math.min(Math.min(tx, ty), max), 0.0);
        }
    }

    /** Lowers the ranges of beams that hit the circle (cx, cy, r) first; a sensor inside it reads 0 everywhere. */
    public void castCircle(double x, double y, double ch, double sh, double cx, double cy, double r,
                           float[] out, int off) {
        double rx = cx - x;
        double ry = cy - y;
        double d2 = rx * rx + ry * ry;
        double rr = r * r;
        if (d2 <= rr) {
            for (int k = 0; k < beams; k++) {
                out[off + k] = 0f;
            }
            return;
        }
        double reach = rangeMax + r;
        if (d2 >= reach * reach) {
            return;
        }
        // Circle centre in the robot frame.
        double lx = ch * rx + sh * ry;
        double ly = ch * ry - sh * rx;
        double s = r / Math.sqrt(d2);
        double half = s + ASIN_SLACK * s * s * s;
        // A fast bearing is enough to pick candidate beams: widen by its error bound.
        half += ATAN_ERROR;
        double bearing = fastAtan2(ly, lx);
        if (fullCircle) {
            // Indices past either end wrap around: the beams cover the whole circle evenly.
            int lo = (int) Math.ceil((bearing - half - angleMin) / angleIncrement);
            int hi = (int) Math.floor((bearing + half - angleMin) / angleIncrement);
            hitBeams(lo, hi, lx, ly, d2, rr, out, off);
        } else {
            // A partial scan has a seam at +-pi: the circle's interval may reach across it.
            for (int turn = -1; turn <= 1; turn++) {
                double centre = bearing + turn * 2 * Math.PI;
                int lo = Math.max(0, (int) Math.ceil((centre - half - angleMin) / angleIncrement));
                int hi = Math.min(beams - 1, (int) Math.floor((centre + half - angleMin) / angleIncrement));
                if (lo <= hi) {
                    hitBeams(lo, hi, lx, ly, d2, rr, out, off);
                }
            }
        }
    }

    /** Solves the ray-circle quadratic for beams lo..hi (wrapped into range) and keeps the nearer hits. */
    private void hitBeams(int lo, int hi, double lx, double ly, double d2, double rr, float[] out, int off) {
        for (int k = lo; k <= hi; k++) {
            int b = k < 0 ? k + beams : k >= beams ? k - beams : k;
            double tc = lx * cosBeam[b] + ly * sinBeam[b];
            if (tc <= 0) {
                continue;
            }
            double disc = rr - d2 + tc * tc;
            if (disc < 0) {
                continue;
            }
            float t = (float) (tc - Math.sqrt(disc));
            if (t < out[off + b]) {
                out[off + b] = t;
            }
        }
    }

    /**
     * Finishes a scan: each beam independently returns nothing (reads {@code rangeMax}) with probability
     * {@code dropout}; returns get Gaussian noise of standard deviation {@code noise} and are clamped to
     * [rangeMin, rangeMax].
     *
     * @param state SplitMix64 state to draw from
     * @return the advanced state
     */
    public long corrupt(float[] out, int off, double noise, double dropout, long state) {
        final float max = (float) rangeMax;
        final float min = (float) rangeMin;
        if (noise <= 0 && dropout <= 0) {
            for (int k = 0; k < beams; k++) {
                float r = out[off + k];
                out[off + k] = r >= max ? max : Math.max(r, min);
            }
            return state;
        }
        final float sigma = (float) noise;
        if (dropout <= 0) {
            // Noise only: 12 bits per beam, five beams per 64-bit draw.
            long bits = 0;
            for (int k = 0; k < beams; k++) {
                if (k % 5 == 0) {
                    state += SplitMix.GAMMA;
                    bits = SplitMix.mix(state);
                }
                float r = out[off + k];
                float n = NormalTable.sample(bits);
                bits >>>= NormalTable.BITS;
                out[off + k] = r >= max ? max : clamp(r + sigma * n, min, max);
            }
            return state;
        }
        // Dropout and noise: 16 bits decide dropout, 12 pick the noise quantile, two beams per draw.
        final int threshold = (int) Math.min(65536, Math.round(dropout * 65536));
        long bits = 0;
        for (int k = 0; k < beams; k++) {
            if ((k & 1) == 0) {
                state += SplitMix.GAMMA;
                bits = SplitMix.mix(state);
            }
            float r = out[off + k];
            boolean dropped = (int) (bits & 0xFFFF) < threshold;
            float n = NormalTable.sample(bits >>> 16);
            bits >>>= 32;
            out[off + k] = r >= max || dropped ? max : clamp(r + sigma * n, min, max);
        }
        return state;
    }

    private static float clamp(float v, float lo, float hi) {
        return v < lo ? lo : Math.min(v, hi);
    }

    /**
     * atan2 to within 1e-5 rad: the odd polynomial of Abramowitz and Stegun 4.4.49 for atan on
     * [-1, 1], extended to all quadrants by the identities atan(t) = pi/2 - atan(1/t) and the sign
     * of x.
     */
    static double fastAtan2(double y, double x) {
        double ax = Math.abs(x);
        double ay = Math.abs(y);
        boolean steep = ay > ax;
        double big = steep ? ay : ax;
        if (big == 0) {
            return 0;
        }
        double t = (steep ? ax : ay) / big;
        double t2 = t * t;
        double a = t * (0.9998660 + t2 * (-0.3302995 + t2 * (0.1801410 + t2 * (-0.0851330 + t2 * 0.0208351))));
        if (steep) {
            a = Math.PI / 2 - a;
        }
        if (x < 0) {
            a = Math.PI - a;
        }
        return y < 0 ? -a : a;
    }
}
