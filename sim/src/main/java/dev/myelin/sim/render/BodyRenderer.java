package dev.myelin.sim.render;

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
import java.util.Locale;

/**
 * A MuJoCo episode as a picture: a filmstrip of eight side views (x to the right, z up, each centred
 * on the root body) drawing every geom as its axis with its radius, over the ground line, and below
 * it the root body's x position and the reward per step. Stands in for MuJoCo's OpenGL renderer,
 * which needs a display.
 */
final class BodyRenderer {
    private static final Color INK = new Color(0x222222);
    private static final Color GRID = new Color(0xe8e8e8);
    private static final Color BODY = new Color(0x1f77b4);

    private BodyRenderer() {
    }

    static BufferedImage render(EpisodeRecording rec, int width) {
        BodyFrames f = rec.bodies();
        int frames = 8;
        int stripH = width / 4;
        int plotH = width / 4;
        BufferedImage img = new BufferedImage(width, stripH + 2 * plotH + 20, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        int last = f.states() - 1;
        double cell = (double) width / frames;
        double metres = 2.4; // visible width of one frame
        double scale = cell / metres;
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(10, width / 90));
        g.setFont(font);
        for (int i = 0; i < frames; i++) {
            int k = (int) Math.round((double) i * last / (frames - 1));
            double left = cell * i;
            double cx = left + cell / 2;
            double groundY = stripH * 0.85;
            double centreX = rec.poseA(k, 0);
            g.setClip(new Rectangle2D.Double(left, 0, cell, stripH));
            g.setColor(GRID);
            g.setStroke(new BasicStroke(1f));
            g.draw(new Rectangle2D.Double(left + 2, 2, cell - 4, stripH - 4));
            g.setColor(INK);
            g.setStroke(new BasicStroke(1.5f));
            g.draw(new Line2D.Double(left, groundY, left + cell, groundY));
            for (int geom = 0; geom < f.geoms(); geom++) {
                double r = f.radius(k, geom);
                if (r < 0) {
                    continue;
                }
                double x0 = cx + (f.end(k, geom, 0, 0) - centreX) * scale;
                double z0 = groundY - f.end(k, geom, 0, 2) * scale;
                double x1 = cx + (f.end(k, geom, 1, 0) - centreX) * scale;
                double z1 = groundY - f.end(k, geom, 1, 2) * scale;
                g.setColor(BODY);
                float w = (float) Math.max(2, 2 * r * scale);
                g.setStroke(new BasicStroke(w, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                if (x0 == x1 && z0 == z1) {
                    g.fill(new Ellipse2D.Double(x0 - w / 2, z0 - w / 2, w, w));
                } else {
                    g.draw(new Line2D.Double(x0, z0, x1, z1));
                }
            }
            g.setClip(null);
            g.setColor(INK);
            g.drawString(String.format(Locale.ROOT, "t=%d  x=%.2f m", k, centreX), (float) left + 6, 16f + font.getSize());
        }
        plot(g, rec, 0, stripH + 10, width, plotH - 10, "root x (m)", font);
        plot(g, rec, 1, stripH + plotH + 10, width, plotH - 10, "reward per step", font);
        g.setColor(INK);
        g.drawString(String.format(Locale.ROOT, "%s  seed %d  return %.1f  outcome %s", rec.task().name(), rec.seed(),
                rec.episodeReturn(), rec.outcome(0)), 8f, (float) (stripH + 2 * plotH + 16));
        g.dispose();
        return img;
    }

    private static void plot(Graphics2D g, EpisodeRecording rec, int what, int top, int width, int height,
                             String label, Font font) {
        int n = rec.states();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            double v = what == 0 ? rec.poseA(k, 0) : rec.reward(k);
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        double left = 50;
        double w = width - left - 10;
        g.setColor(GRID);
        g.setStroke(new BasicStroke(1f));
        g.draw(new Rectangle2D.Double(left, top, w, height));
        Path2D.Double p = new Path2D.Double();
        for (int k = 0; k < n; k++) {
            double v = what == 0 ? rec.poseA(k, 0) : rec.reward(k);
            double x = left + w * k / Math.max(1, n - 1);
            double y = top + height - (v - lo) / (hi - lo) * height;
            if (k == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        g.setColor(what == 0 ? BODY : new Color(0xd62728));
        g.setStroke(new BasicStroke(1.5f));
        g.draw(p);
        g.setColor(INK);
        g.setFont(font);
        g.drawString(String.format(Locale.ROOT, "%s  [%.2f, %.2f]", label, lo, hi), (float) left + 4, top + font.getSize() + 2f);
    }
}
