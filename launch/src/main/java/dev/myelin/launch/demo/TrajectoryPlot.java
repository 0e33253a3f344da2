package dev.myelin.launch.demo;

import dev.myelin.sim.Outcome;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Top-down panels of the episodes one policy version drove over ROS 2: arena, obstacles, start, goal
 * (with its tolerance) and the robot's path, coloured by outcome. Headless java.awt.
 */
final class TrajectoryPlot {
    private static final int PANEL = 300;
    private static final int HEADER = 40;
    private static final int CAPTION = 22;
    private static final Color INK = new Color(0x222222);
    private static final Color OBSTACLE = new Color(0x8a8f98);

    private TrajectoryPlot() {
    }

    static void write(Path file, String title, List<EpisodeTracker.Trace> episodes, double halfArena, double goalTolerance)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        int n = Math.max(1, Math.min(episodes.size(), 12));
        int cols = Math.min(4, n);
        int rows = (n + cols - 1) / cols;
        BufferedImage img = new BufferedImage(cols * PANEL, HEADER + rows * (PANEL + CAPTION), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setColor(INK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, 10, 26);
            if (episodes.isEmpty()) {
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
                g.drawString("no complete episode", 10, HEADER + 20);
            }
            for (int i = 0; i < Math.min(episodes.size(), 12); i++) {
                int ox = (i % cols) * PANEL;
                int oy = HEADER + (i / cols) * (PANEL + CAPTION);
                panel(g, episodes.get(i), ox, oy, halfArena, goalTolerance);
            }
        } finally {
            g.dispose();
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    private static void panel(Graphics2D g, EpisodeTracker.Trace t, int ox, int oy, double half, double tolerance) {
        int margin = 10;
        double scale = (PANEL - 2 * margin) / (2 * half);
        double cx = ox + PANEL / 2.0;
        double cy = oy + PANEL / 2.0;
        g.setColor(new Color(0xf4f4f4));
        g.fillRect(ox + margin, oy + margin, PANEL - 2 * margin, PANEL - 2 * margin);
        g.setColor(INK);
        g.setStroke(new BasicStroke(1.5f));
        g.drawRect(ox + margin, oy + margin, PANEL - 2 * margin, PANEL - 2 * margin);
        g.setColor(OBSTACLE);
        for (int k = 0; k < t.obstacles; k++) {
            double r = t.obstacleR[k] * scale;
            g.fill(new Ellipse2D.Double(cx + t.obstacleX[k] * scale - r, cy - t.obstacleY[k] * scale - r, 2 * r, 2 * r));
        }
        double gr = Math.max(3, tolerance * scale);
        g.setColor(new Color(0x2ca02c));
        g.setStroke(new BasicStroke(1.5f));
        g.draw(new Ellipse2D.Double(cx + t.goalX * scale - gr, cy - t.goalY * scale - gr, 2 * gr, 2 * gr));
        if (t.points > 0) {
            Path2D.Double path = new Path2D.Double();
            path.moveTo(cx + t.xs[0] * scale, cy - t.ys[0] * scale);
            for (int k = 1; k < t.points; k++) {
                path.lineTo(cx + t.xs[k] * scale, cy - t.ys[k] * scale);
            }
            g.setColor(color(t.outcome));
            g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(path);
            g.setColor(INK);
            g.fill(new Ellipse2D.Double(cx + t.xs[0] * scale - 4, cy - t.ys[0] * scale - 4, 8, 8));
        }
        g.setColor(INK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString(String.format(Locale.ROOT, "episode %d: %s, return %.1f", t.index + 1,
                t.outcome.name().toLowerCase(Locale.ROOT), t.episodeReturn), ox + margin, oy + PANEL + 12);
    }

    private static Color color(Outcome o) {
        return switch (o) {
            case SUCCESS -> new Color(0x1f77b4);
            case COLLISION -> new Color(0xd62728);
            case TIMEOUT -> new Color(0xff7f0e);
            default -> new Color(0x9467bd);
        };
    }
}
