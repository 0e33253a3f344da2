package dev.myelin.trainer.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LearningCurveTest {

    @Test
    void drawsEverySeriesIntoAPng(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("curve.png");
        List<double[]> a = List.of(new double[] {0, -1200}, new double[] {5000, -800}, new double[] {10000, -200});
        List<double[]> b = List.of(new double[] {0, -1300}, new double[] {10000, -400});
        // the same label twice (the same run given twice) still draws both lines
        LearningCurve.write(png, "pendulum td3", List.of(new LearningCurve.Series("run", a), new LearningCurve.Series("run", b),
                new LearningCurve.Series("empty", List.of())));
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img);
        assertEquals(800, img.getWidth());
        assertEquals(500, img.getHeight());
        // more than background and text: coloured line pixels are present
        int coloured = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = rgb >> 16 & 0xFF;
                int g = rgb >> 8 & 0xFF;
                int bl = rgb & 0xFF;
                if (Math.max(r, Math.max(g, bl)) - Math.min(r, Math.min(g, bl)) > 80) {
                    coloured++;
                }
            }
        }
        assertTrue(coloured > 500, "coloured pixels: " + coloured);
    }

    @Test
    void aRunWithoutEvaluationsStillGetsAPicture(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("curve.png");
        LearningCurve.write(png, "no data", List.of(new LearningCurve.Series("eval return", List.of())));
        assertNotNull(ImageIO.read(png.toFile()));
    }
}
