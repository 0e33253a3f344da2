package dev.myelin.sim.render;

import dev.myelin.sim.Outcome;
import dev.myelin.sim.task.CartPoleSwingUp;
import dev.myelin.sim.task.DiffDriveNav;
import dev.myelin.sim.task.Lidar;
import dev.myelin.sim.task.Pendulum;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Draws a recorded episode for people. Navigation tasks: a top-down map of the arena with the
 * obstacles, each robot's trajectory, start, goal (with its tolerance), final pose and final lidar
 * rays. Pendulum and cart-pole: a filmstrip of the plant at evenly spaced moments above a plot of the
 * angle and the action over time. Uses java.awt in headless mode; any thread.
 */
public final class EpisodeRenderer {
    private static final Color[] ROBOT_COLORS = {
            new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
            new Color(0xff7f0e), new Color(0x17becf), new Color(0x8c564b), new Color(0xe377c2)};
    private static final Color INK = new Color(0x222222);
    private static final Color GRID = new Color(0xe8e8e8);
    private static final Color OBSTACLE = new Color(0x8a8f98);

    private EpisodeRenderer() {
    }

    /** Renders and writes a PNG; creates parent directories. */
    public static void writePng(EpisodeRecording rec, int size, Path out) throws IOException {
        BufferedImage img = render(rec, size);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(img, "png", out.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    /** Renders {@code rec} into an image about {@code size} pixels wide. */
    public static BufferedImage render(EpisodeRecording rec, int size) {
        if (size < 200 || size > 8000) {
            throw new IllegalArgumentException("image size must be in [200, 8000] px, got " + size);
        }
        System.setProperty("java.awt.headless", "true");
        return switch (rec.task()) {
            case DiffDriveNav nav -> renderNavigation(rec, nav, size);
            case Pendulum p -> renderClassic(rec, size, false);
            case CartPoleSwingUp c -> renderClassic(rec, size, true);
            case dev.myelin.sim.mujoco.MujocoTask m -> BodyRenderer.render(rec, size);
            default -> throw new IllegalArgumentException("no renderer for task " + rec.task().name());
        };
    }

    private static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    private static BufferedImage renderNavigation(EpisodeRecording rec, DiffDriveNav nav, int size) {
        int legend = Math.max(60, size / 12);
        BufferedImage img = new BufferedImage(size, size + legend, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        double half = nav.arenaHalfSize();
        double margin = size * 0.04;
        double scale = (size - 2 * margin) / (2 * half);
        MapTransform m = new MapTransform(margin, half, scale);

        // Metre grid and walls.
        g.setStroke(new BasicStroke(1f));
        g.setColor(GRID);
        for (int k = (int) Math.ceil(-half); k <= Math.floor(half); k++) {
            g.draw(new Line2D.Double(m.x(k), m.y(-half), m.x(k), m.y(half)));
            g.draw(new Line2D.Double(m.x(-half), m.y(k), m.x(half), m.y(k)));
        }
        g.setColor(INK);
        g.setStroke(new BasicStroke((float) Math.max(3, scale * 0.05)));
        g.draw(new Rectangle2D.Double(m.x(-half), m.y(half), 2 * half * scale, 2 * half * scale));

        g.setColor(OBSTACLE);
        for (int k = 0; k < nav.obstacleCount(0); k++) {
            g.fill(m.circle(nav.obstacleX(0, k), nav.obstacleY(0, k), nav.obstacleRadius(0, k)));
        }

        int last = rec.states() - 1;
        double radius = nav.robotRadius();
        Lidar lidar = nav.lidar();
        int rayAlpha = rec.agents() > 1 ? 60 : 110;
        for (int a = 0; a < rec.agents(); a++) {
            Color color = ROBOT_COLORS[a % ROBOT_COLORS.length];
            Color faint = new Color(color.getRed(), color.getGreen(), color.getBlue(), 60);
            // Goal with its tolerance.
            double gx = nav.goalX(a);
            double gy = nav.goalY(a);
            g.setColor(faint);
            g.fill(m.circle(gx, gy, nav.goalTolerance()));
            g.setColor(color);
            g.setStroke(new BasicStroke(2f));
            g.draw(m.circle(gx, gy, nav.goalTolerance()));
            drawStar(g, m.x(gx), m.y(gy), scale * 0.12);

            // Final lidar rays.
            float[] scan = rec.finalScan(a);
            double fx = rec.poseA(last, a);
            double fy = rec.poseB(last, a);
            double fh = rec.poseC(last, a);
            if (scan != null) {
                g.setStroke(new BasicStroke(1f));
                for (int k = 0; k < scan.length; k++) {
                    double ang = fh + lidar.beamAngle(k);
                    double r = scan[k];
                    double ex = fx + r * Math.cos(ang);
                    double ey = fy + r * Math.sin(ang);
                    boolean hit = r < lidar.rangeMax() - 1e-4;
                    g.setColor(hit ? new Color(230, 80, 40, rayAlpha) : new Color(120, 120, 120, rayAlpha / 2));
                    g.draw(new Line2D.Double(m.x(fx), m.y(fy), m.x(ex), m.y(ey)));
                    if (hit) {
                        g.setColor(new Color(230, 80, 40));
                        g.fill(new Ellipse2D.Double(m.x(ex) - 2, m.y(ey) - 2, 4, 4));
                    }
                }
            }

            // Trajectory, start and final pose.
            Path2D.Double path = new Path2D.Double();
            path.moveTo(m.x(rec.poseA(0, a)), m.y(rec.poseB(0, a)));
            for (int k = 1; k <= last; k++) {
                path.lineTo(m.x(rec.poseA(k, a)), m.y(rec.poseB(k, a)));
            }
            g.setColor(color);
            g.setStroke(new BasicStroke((float) Math.max(2, scale * 0.025), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(path);
            g.setStroke(new BasicStroke(2f));
            g.draw(m.circle(rec.poseA(0, a), rec.poseB(0, a), radius));
            g.fill(m.circle(fx, fy, radius));
            g.setColor(Color.WHITE);
            g.setStroke(new BasicStroke(2.5f));
            g.draw(new Line2D.Double(m.x(fx), m.y(fy), m.x(fx + radius * Math.cos(fh)), m.y(fy + radius * Math.sin(fh))));
            if (rec.outcome(a) == Outcome.COLLISION) {
                g.setColor(new Color(200, 0, 0));
                g.setStroke(new BasicStroke(3f));
                double s = radius * 1.6;
                g.draw(new Line2D.Double(m.x(fx - s), m.y(fy - s), m.x(fx + s), m.y(fy + s)));
                g.draw(new Line2D.Double(m.x(fx - s), m.y(fy + s), m.x(fx + s), m.y(fy - s)));
            }
        }

        // Legend.
        g.setColor(INK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(12, legend / 4)));
        int y0 = size + legend / 3;
        g.drawString(String.format(Locale.ROOT, "%s   seed %d   %d steps (%.1f s)   return %.2f",
                nav.name(), rec.seed(), rec.states() - 1, (rec.states() - 1) * nav.controlPeriod(),
                rec.episodeReturn()), (int) margin, y0);
        int x = (int) margin;
        for (int a = 0; a < rec.agents(); a++) {
            String label = (rec.agents() > 1 ? "robot " + a + ": " : "") + rec.outcome(a).name().toLowerCase(Locale.ROOT);
            g.setColor(ROBOT_COLORS[a % ROBOT_COLORS.length]);
            g.drawString(label, x, y0 + legend / 3);
            x += g.getFontMetrics().stringWidth(label) + 20;
        }
        g.dispose();
        return img;
    }

    private static void drawStar(Graphics2D g, double cx, double cy, double r) {
        Path2D.Double star = new Path2D.Double();
        for (int i = 0; i < 10; i++) {
            double rad = i % 2 == 0 ? r : r * 0.45;
            double ang = -Math.PI / 2 + i * Math.PI / 5;
            double px = cx + rad * Math.cos(ang);
            double py = cy + rad * Math.sin(ang);
            if (i == 0) {
                star.moveTo(px, py);
            } else {
                star.lineTo(px, py);
            }
        }
        star.closePath();
        g.fill(star);
    }

    /** Metres to pixels with y up. */
    private record MapTransform(double margin, double half, double scale) {
        double x(double wx) {
            return margin + (wx + half) * scale;
        }

        double y(double wy) {
            return margin + (half - wy) * scale;
        }

        Ellipse2D circle(double cx, double cy, double r) {
            return new Ellipse2D.Double(x(cx) - r * scale, y(cy) - r * scale, 2 * r * scale, 2 * r * scale);
        }
    }

    private static BufferedImage renderClassic(EpisodeRecording rec, int width, boolean cart) {
        int frames = 8;
        int stripH = width / 4;
        int plotH = width / 3;
        int legend = Math.max(40, width / 20);
        BufferedImage img = new BufferedImage(width, stripH + plotH + legend, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        int last = rec.states() - 1;
        double cell = (double) width / frames;

        // Filmstrip.
        for (int f = 0; f < frames; f++) {
            int k = (int) Math.round((double) f * last / (frames - 1));
            double cx = cell * (f + 0.5);
            double cy = stripH * 0.55;
            double len = cell * 0.38;
            g.setColor(GRID);
            g.draw(new Rectangle2D.Double(cell * f + 2, 2, cell - 4, stripH - 4));
            double angle;
            double baseX = cx;
            if (cart) {
                double x = rec.poseA(k, 0);
                angle = rec.poseB(k, 0);
                baseX = cx + x / CartPoleSwingUp.TRACK_LIMIT * cell * 0.42;
                g.setColor(INK);
                g.setStroke(new BasicStroke(1.5f));
                g.draw(new Line2D.Double(cell * f + cell * 0.08, cy, cell * (f + 1) - cell * 0.08, cy));
                g.setColor(new Color(0x1f77b4));
                g.fill(new Rectangle2D.Double(baseX - cell * 0.09, cy - cell * 0.04, cell * 0.18, cell * 0.08));
            } else {
                angle = rec.poseA(k, 0);
            }
            // theta = 0 is upright: the tip is at (sin theta, cos theta) from the hinge, y up.
            double tipX = baseX + len * Math.sin(angle);
            double tipY = cy - len * Math.cos(angle);
            g.setColor(new Color(0xd62728));
            g.setStroke(new BasicStroke((float) Math.max(3, cell * 0.05), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(new Line2D.Double(baseX, cy, tipX, tipY));
            g.setColor(INK);
            g.fill(new Ellipse2D.Double(baseX - 4, cy - 4, 8, 8));
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(10, width / 80)));
            g.drawString(String.format(Locale.ROOT, "t=%.2fs", k * rec.task().controlPeriod()),
                    (int) (cell * f + 6), stripH - 8);
        }

        // Angle (wrapped to [-pi, pi), 0 upright) and action over time.
        int top = stripH + 10;
        int h = plotH - 30;
        int left = 50;
        int right = width - 20;
        g.setColor(GRID);
        g.drawRect(left, top, right - left, h);
        g.drawLine(left, top + h / 2, right, top + h / 2);
        double actionLimit = rec.task().actionSpace().high(0);
        Path2D.Double anglePath = new Path2D.Double();
        Path2D.Double actionPath = new Path2D.Double();
        double previous = 0;
        for (int k = 0; k <= last; k++) {
            double px = left + (double) k / Math.max(1, last) * (right - left);
            double a = cart ? rec.poseB(k, 0) : rec.poseA(k, 0);
            a = a - 2 * Math.PI * Math.floor((a + Math.PI) / (2 * Math.PI));
            double ay = top + h / 2.0 - a / Math.PI * (h / 2.0);
            double uy = top + h / 2.0 - rec.action(k, 0, 0) / actionLimit * (h / 2.0);
            if (k == 0 || Math.abs(a - previous) > Math.PI) {
                anglePath.moveTo(px, ay); // wrapped across +-pi: no vertical line
            } else {
                anglePath.lineTo(px, ay);
            }
            if (k == 0) {
                actionPath.moveTo(px, uy);
            } else {
                actionPath.lineTo(px, uy);
            }
            previous = a;
        }
        g.setStroke(new BasicStroke(1.2f));
        g.setColor(new Color(0x2ca02c));
        g.draw(actionPath);
        g.setStroke(new BasicStroke(2f));
        g.setColor(new Color(0xd62728));
        g.draw(anglePath);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(11, width / 70)));
        g.setColor(INK);
        g.drawString("+pi", 10, top + 12);
        g.drawString("0", 30, top + h / 2 + 5);
        g.drawString("-pi", 12, top + h);
        g.setColor(new Color(0xd62728));
        g.drawString("pole angle (0 = upright)", left + 10, top + 18);
        g.setColor(new Color(0x2ca02c));
        g.drawString("action (scaled to its limit)", left + 10, top + 36);

        g.setColor(INK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(12, legend / 2)));
        g.drawString(String.format(Locale.ROOT, "%s   seed %d   %d steps   return %.2f   %s", rec.task().name(),
                rec.seed(), last, rec.episodeReturn(), rec.outcome(0).name().toLowerCase(Locale.ROOT)),
                left, stripH + plotH + legend / 2 + 4);
        g.dispose();
        return img;
    }
}
