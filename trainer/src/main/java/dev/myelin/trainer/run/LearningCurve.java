package dev.myelin.trainer.run;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws learning curves (evaluation return against environment steps) as a PNG, one line per series,
 * so that fp32/fp16 or 1/N-rank runs can be overlaid. Headless AWT; any thread.
 */
public final class LearningCurve {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};

    /** One labelled line of (steps, return) points. */
    public record Series(String label, List<double[]> points) {
    }

    private LearningCurve() {
    }

    /** The series of a run directory's {@code metrics.csv} (column {@code eval_return}). */
    public static Series fromRun(Path runDir, String label) throws IOException {
        return new Series(label, MetricsLog.read(runDir.resolve("metrics.csv"), "eval_return"));
    }

    /** Writes the plot atomically to {@code file}. */
    public static void write(Path file, String title, List<Series> series) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int w = 800;
        int h = 500;
        int left = 80;
        int right = 20;
        int top = 40;
        int bottom = 60;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            double minX = 0;
            double maxX = 1;
            double minY = Double.POSITIVE_INFINITY;
            double maxY = Double.NEGATIVE_INFINITY;
            for (Series s : series) {
                for (double[] p : s.points()) {
                    maxX = Math.max(maxX, p[0]);
                    minY = Math.min(minY, p[1]);
                    maxY = Math.max(maxY, p[1]);
                }
            }
            if (!(minY <= maxY)) {
                minY = 0;
                maxY = 1;
            }
            if (maxY - minY < 1e-9) {
                minY -= 1;
                maxY += 1;
            }
            double padY = 0.05 * (maxY - minY);
            minY -= padY;
            maxY += padY;
            int pw = w - left - right;
            int ph = h - top - bottom;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setColor(new Color(0xDDDDDD));
            for (int i = 0; i <= 5; i++) {
                int y = top + ph - i * ph / 5;
                g.drawLine(left, y, left + pw, y);
                int x = left + i * pw / 5;
                g.drawLine(x, top, x, top + ph);
            }
            g.setColor(Color.BLACK);
            g.drawRect(left, top, pw, ph);
            for (int i = 0; i <= 5; i++) {
                double yv = minY + i * (maxY - minY) / 5;
                String label = String.format(Locale.ROOT, "%.0f", yv);
                g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), top + ph - i * ph / 5 + 4);
                double xv = minX + i * (maxX - minX) / 5;
                String xl = xv >= 1e6 ? String.format(Locale.ROOT, "%.2fM", xv / 1e6)
                        : xv >= 1e3 ? String.format(Locale.ROOT, xv % 1000 == 0 ? "%.0fk" : "%.1fk", xv / 1e3)
                        : String.format(Locale.ROOT, "%.0f", xv);
                g.drawString(xl, left + i * pw / 5 - g.getFontMetrics().stringWidth(xl) / 2, top + ph + 18);
            }
            g.drawString("environment steps (all ranks)", left + pw / 2 - 90, h - 15);
            g.rotate(-Math.PI / 2);
            g.drawString("evaluation return", -(top + ph / 2 + 50), 20);
            g.rotate(Math.PI / 2);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, left, 25);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setStroke(new BasicStroke(2f));
            for (int k = 0; k < series.size(); k++) {
                Series s = series.get(k);
                g.setColor(PALETTE[k % PALETTE.length]);
                int px = -1;
                int py = -1;
                for (double[] p : s.points()) {
                    int x = left + (int) Math.round((p[0] - minX) / (maxX - minX) * pw);
                    int y = top + ph - (int) Math.round((p[1] - minY) / (maxY - minY) * ph);
                    if (px >= 0) {
                        g.drawLine(px, py, x, y);
                    }
                    g.fillOval(x - 3, y - 3, 6, 6);
                    px = x;
                    py = y;
                }
            }
            // legend in the lower right corner, over the curves
            int legendW = 20;
            for (Series s : series) {
                legendW = Math.max(legendW, g.getFontMetrics().stringWidth(s.label()) + 40);
            }
            int legendH = 16 * series.size() + 8;
            int lx = left + pw - legendW - 8;
            int ly0 = top + ph - legendH - 8;
            g.setColor(new Color(255, 255, 255, 230));
            g.fillRect(lx, ly0, legendW, legendH);
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(lx, ly0, legendW, legendH);
            g.setStroke(new BasicStroke(2f));
            for (int k = 0; k < series.size(); k++) {
                int ly = ly0 + 18 + 16 * k;
                g.setColor(PALETTE[k % PALETTE.length]);
                g.drawLine(lx + 6, ly - 4, lx + 26, ly - 4);
                g.setColor(Color.BLACK);
                g.drawString(series.get(k).label(), lx + 32, ly);
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", bytes)) {
            throw new IOException("no PNG writer in this JDK");
        }
        CheckpointFile.writeAtomically(file, bytes.toByteArray());
    }

    /** Copies a list (convenience for callers building series). */
    public static List<Series> of(Series... s) {
        return new ArrayList<>(List.of(s));
    }
}
