package dev.myelin.trainer.run;

import dev.myelin.policy.io.DurableFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws learning curves (evaluation return against environment steps) as a PNG with XChart, one line per
 * series, so that fp32/fp16 or 1/N-rank runs can be overlaid. Headless; any thread.
 */
public final class LearningCurve {

    /** One labelled line of (steps, return) points. */
    public record Series(String label, List<double[]> points) {
    }

    private LearningCurve() {
    }

    /** The series of a run directory's {@code metrics.csv} (column {@code eval_return}). */
    public static Series fromRun(Path runDir, String label) throws IOException {
        return new Series(label, MetricsLog.read(runDir.resolve("metrics.csv"), "eval_return"));
    }

    /** Writes the plot durably to {@code file} (800 x 500 pixels). */
    public static void write(Path file, String title, List<Series> series) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title)
                .xAxisTitle("environment steps (all ranks)").yAxisTitle("evaluation return").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        boolean any = false;
        java.util.Set<String> labels = new java.util.HashSet<>();
        for (Series s : series) {
            if (s.points().isEmpty()) {
                continue;
            }
            double[] x = new double[s.points().size()];
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = s.points().get(i)[0];
                y[i] = s.points().get(i)[1];
            }
            String label = s.label();
            for (int n = 2; !labels.add(label); n++) {
                label = s.label() + " (" + n + ")";
            }
            chart.addSeries(label, x, y).setMarker(SeriesMarkers.CIRCLE);
            any = true;
        }
        if (!any) {
            // an empty chart still says what it is for
            chart.addSeries("no evaluations yet", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
        }
        DurableFiles.replace(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }

    /** Copies a list (convenience for callers building series). */
    public static List<Series> of(Series... s) {
        return new ArrayList<>(List.of(s));
    }
}
