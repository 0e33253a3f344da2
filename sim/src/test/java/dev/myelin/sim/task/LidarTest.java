package dev.myelin.sim.task;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LidarTest {

    @Test
    void beamGeometryFollowsLaserScanConventions() {
        Lidar full = new Lidar(8, 2 * Math.PI, 0.1, 3.5);
        assertEquals(-Math.PI, full.angleMin(), 1e-12);
        assertEquals(Math.PI / 4, full.angleIncrement(), 1e-12);
        assertEquals(Math.PI - Math.PI / 4, full.angleMax(), 1e-12);
        Lidar front = new Lidar(5, Math.PI, 0.1, 3.5);
        assertEquals(-Math.PI / 2, front.angleMin(), 1e-12);
        assertEquals(Math.PI / 2, front.angleMax(), 1e-12);
    }

    @Test
    void handCheckedScan() {
        // Robot at the origin facing +x in a 6 m arena; a 0.5 m circle 2 m ahead.
        Lidar lidar = new Lidar(4, 2 * Math.PI, 0.1, 3.5); // beams at -pi, -pi/2, 0, pi/2
        float[] out = new float[4];
        lidar.castWalls(0, 0, 1, 0, 3, out, 0);
        lidar.castCircle(0, 0, 1, 0, 2, 0, 0.5, out, 0);
        assertEquals(3.0f, out[0], 1e-6, "behind: wall at 3 m");
        assertEquals(3.0f, out[1], 1e-6, "right: wall");
        assertEquals(1.5f, out[2], 1e-6, "ahead: circle surface");
        assertEquals(3.0f, out[3], 1e-6, "left: wall");
        // Turned to face +y, the circle is on the right (beam -pi/2).
        lidar.castWalls(0, 0, 0, 1, 3, out, 0);
        lidar.castCircle(0, 0, 0, 1, 2, 0, 0.5, out, 0);
        assertEquals(1.5f, out[1], 1e-6);
        assertEquals(3.0f, out[2], 1e-6);
    }

    @Test
    void noReturnReadsRangeMaxAndCloseReadsRangeMin() {
        Lidar lidar = new Lidar(4, 2 * Math.PI, 0.12, 2.0);
        float[] out = new float[4];
        lidar.castWalls(0, 0, 1, 0, 5, out, 0);
        lidar.castCircle(0, 0, 1, 0, 0.55, 0, 0.5, out, 0);
        lidar.corrupt(out, 0, 0, 0, 1);
        assertEquals(2.0f, out[0]);
        assertEquals(0.12f, out[2], 1e-7, "0.05 m reads as the minimum range");
    }

    @Test
    void dropoutAndNoiseHaveTheRequestedStatistics() {
        Lidar lidar = new Lidar(360, 2 * Math.PI, 0.0, 10);
        float[] out = new float[360];
        long state = 99;
        int dropped = 0;
        double sum = 0;
        double sq = 0;
        int n = 0;
        for (int rep = 0; rep < 200; rep++) {
            java.util.Arrays.fill(out, 5f);
            state = lidar.corrupt(out, 0, 0.1, 0.2, state);
            for (float r : out) {
                if (r == 10f) {
                    dropped++;
                } else {
                    sum += r - 5;
                    sq += (r - 5) * (r - 5);
                    n++;
                }
            }
        }
        assertEquals(0.2, dropped / 72000.0, 0.01);
        assertEquals(0.0, sum / n, 0.003);
        assertEquals(0.1, Math.sqrt(sq / n), 0.003);
    }

    record Circle(double x, double y, double r) {
    }

    @Provide
    Arbitrary<List<Circle>> circles() {
        Arbitrary<Circle> c = Combinators.combine(
                Arbitraries.doubles().between(-4, 4), Arbitraries.doubles().between(-4, 4),
                Arbitraries.doubles().between(0.05, 1.0)).as(Circle::new);
        return c.list().ofMinSize(0).ofMaxSize(12);
    }

    @Test
    void wallsAreCastFromAnyQuadrant() {
        // 2 m arena half-size, 4 beams at -pi, -pi/2, 0, pi/2, heading +x.
        Lidar lidar = new Lidar(4, 2 * Math.PI, 0.0, 10);
        float[] out = new float[4];
        lidar.castWalls(-0.5, -1.5, 1, 0, 2, out, 0);
        assertEquals(1.5f, out[0], 1e-6, "behind: wall at x = -2");
        assertEquals(0.5f, out[1], 1e-6, "right: wall at y = -2");
        assertEquals(2.5f, out[2], 1e-6, "ahead: wall at x = +2");
        assertEquals(3.5f, out[3], 1e-6, "left: wall at y = +2");
    }

    /** Angular culling, wrap-around and the asin bound never drop a hit the plain quadratic finds. */
    @Property(tries = 400)
    void castMatchesBruteForceRayCircleIntersection(@ForAll("circles") List<Circle> scene,
                                                    @ForAll @IntRange(min = 1, max = 200) int beams,
                                                    @ForAll("headings") double heading,
                                                    @ForAll("fovs") double fov,
                                                    @ForAll("positions") double sx,
                                                    @ForAll("positions") double sy) {
        // Walls within range (half-size 2.5 m < 3.5 m) so that they are really cast, sensor anywhere inside.
        Lidar lidar = new Lidar(beams, fov, 0.0, 3.5);
        double half = 2.5;
        double ch = Math.cos(heading);
        double sh = Math.sin(heading);
        float[] fast = new float[beams];
        lidar.castWalls(sx, sy, ch, sh, half, fast, 0);
        boolean inside = false;
        for (Circle c : scene) {
            lidar.castCircle(sx, sy, ch, sh, c.x, c.y, c.r, fast, 0);
            inside |= Math.hypot(c.x - sx, c.y - sy) <= c.r;
        }
        for (int k = 0; k < beams; k++) {
            double a = heading + lidar.beamAngle(k);
            double dx = Math.cos(a);
            double dy = Math.sin(a);
            double best = 3.5;
            best = Math.min(best, wall(sx, dx, half));
            best = Math.min(best, wall(sy, dy, half));
            for (Circle c : scene) {
                // |p + t d - c|^2 = r^2, smallest t >= 0.
                double px = sx - c.x;
                double py = sy - c.y;
                double b = px * dx + py * dy;
                double cc = px * px + py * py - c.r * c.r;
                double disc = b * b - cc;
                if (disc >= 0) {
                    double t = -b - Math.sqrt(disc);
                    if (t >= 0) {
                        best = Math.min(best, t);
                    }
                }
            }
            if (inside) {
                best = 0;
            }
            assertEquals(best, fast[k], 1e-4, "beam " + k + " of " + beams);
        }
    }

    private static double wall(double p, double d, double half) {
        if (d > 0) {
            return (half - p) / d;
        }
        if (d < 0) {
            return (-half - p) / d;
        }
        return Double.POSITIVE_INFINITY;
    }

    @Provide
    Arbitrary<Double> headings() {
        return Arbitraries.doubles().between(-3.14159, 3.14159).ofScale(5);
    }

    @Provide
    Arbitrary<Double> positions() {
        return Arbitraries.doubles().between(-2.4, 2.4).ofScale(4);
    }

    @Provide
    Arbitrary<Double> fovs() {
        return Arbitraries.of(2 * Math.PI, Math.PI, Math.toRadians(270), Math.toRadians(60));
    }

    @Test
    void fastAtan2StaysWithinItsErrorBound() {
        double worst = 0;
        for (int i = 0; i < 200_000; i++) {
            double a = -Math.PI + 2 * Math.PI * i / 200_000.0;
            for (double r : new double[]{1e-3, 0.7, 3.0}) {
                double y = r * Math.sin(a);
                double x = r * Math.cos(a);
                double err = Math.abs(Lidar.fastAtan2(y, x) - Math.atan2(y, x));
                worst = Math.max(worst, Math.min(err, 2 * Math.PI - err));
            }
        }
        assertTrue(worst <= 2e-5, "worst error " + worst); // 1e-5 for the polynomial, plus rounding
        assertTrue(worst < Lidar.ATAN_ERROR);
        assertEquals(0.0, Lidar.fastAtan2(0, 0));
    }

    @Test
    void asinBoundHolds() {
        for (int i = 0; i <= 100_000; i++) {
            double s = i / 100_000.0;
            assertTrue(Math.asin(s) <= s + Lidar.ASIN_SLACK * s * s * s + 1e-12, "s = " + s);
        }
    }
}
