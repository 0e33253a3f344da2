package dev.myelin.observe.replay;

import dev.myelin.observe.decision.DecisionRecorder;
import dev.myelin.observe.mcap.McapReader;
import dev.myelin.observe.mcap.McapWriter;
import dev.myelin.policy.bundle.PolicyBundle;
import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.ros2.cdr.CdrReader;
import dev.myelin.ros2.cdr.MessageDecodeException;
import dev.myelin.ros2.msg.CdrCodec;
import dev.myelin.ros2.msg.Field;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.msg.MessageTypes;
import dev.myelin.ros2.msg.PrimitiveArray;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Re-runs a policy bundle offline on the observations a controller recorded (the decision channel
 * of an MCAP bag) and compares its actions with the ones the robot's policy produced, tick by tick.
 * The replayed engine starts afresh wherever the recorded one did (new policy, episode end, inputs
 * back after a gap), so a recurrent policy sees the same sequences; ticks on which no policy ran are
 * skipped. A regression check of a release candidate against real data.
 */
public final class Replay {
    /** What a replay found. */
    public record Report(String recordedDigest, String bundleDigest, int ticks, int compared, int differing,
                         double tolerance, double maxAbsDifference, double meanAbsDifference, long firstDifferingTick,
                         List<String> actionNames, double[] maxAbsPerAction, long[] tickNumbers, float[][] recorded,
                         float[][] replayed) {
        /** Whether every compared action was within the tolerance. */
        public boolean identical() {
            return differing == 0;
        }

        /** A few lines for people. */
        public void print(PrintStream out) {
            out.printf(Locale.ROOT, "recorded policy %s, replayed bundle %s%n", shortDigest(recordedDigest), shortDigest(bundleDigest));
            out.printf(Locale.ROOT, "%d ticks recorded, %d with a decision compared%n", ticks, compared);
            if (identical()) {
                out.printf(Locale.ROOT, "no difference: every action within %.1e (largest %.3e)%n", tolerance, maxAbsDifference);
                return;
            }
            out.printf(Locale.ROOT, "%d of %d decisions differ by more than %.1e; first at tick %d%n", differing, compared,
                    tolerance, firstDifferingTick);
            out.printf(Locale.ROOT, "largest |difference| %.4f, mean %.4f%n", maxAbsDifference, meanAbsDifference);
            for (int i = 0; i < actionNames.size(); i++) {
                out.printf(Locale.ROOT, "  %-16s max |difference| %.4f%n", actionNames.get(i), maxAbsPerAction[i]);
            }
        }

        private static String shortDigest(String d) {
            return d == null || d.isEmpty() ? "(none)" : d.substring(0, Math.min(12, d.length()));
        }
    }

    private Replay() {
    }

    /**
     * Replays {@code bundle} on the decisions recorded on {@code topic} of {@code file}.
     *
     * @param engineName inference engine to run, as the controller's {@code engine} parameter
     * @param tolerance largest absolute action difference still counted as equal
     */
    public static Report run(Path file, String topic, PolicyBundle bundle, String engineName, double tolerance)
            throws IOException {
        MessageTypes types = new MessageTypes();
        MessageType type = types.define(DecisionRecorder.TYPE, DecisionRecorder.DEFINITION);
        Message m = type.newMessage();
        Field fTick = type.field("tick");
        Field fObs = type.field("observation");
        Field fAction = type.field("action");
        Field fRan = type.field("policy_ran");
        Field fReset = type.field("engine_reset");
        Field fDigest = type.field("policy_digest");
        InferenceEngine engine = InferenceEngines.create(engineName, bundle.policy());
        engine.reset();
        int actions = engine.actionSize();
        float[] obs = new float[engine.observationSize()];
        float[] out = new float[actions];
        List<Long> ticks = new ArrayList<>();
        List<float[]> rec = new ArrayList<>();
        List<float[]> rep = new ArrayList<>();
        double[] maxPer = new double[actions];
        int[] counts = new int[3]; // ticks, compared, differing
        double[] sums = new double[2]; // max, sum of |d|
        long[] first = {-1};
        String[] recordedDigest = {null};
        CdrReader cdr = new CdrReader();
        try (McapReader r = McapReader.open(file)) {
            McapWriter.Channel channel = r.channels().values().stream().filter(c -> c.topic().equals(topic)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(file + ": no channel " + topic
                            + " (was the controller started with --record?)"));
            McapWriter.Schema schema = r.schemas().get(channel.schemaId());
            if (schema == null || !schema.name().equals(DecisionRecorder.TYPE)) {
                throw new IllegalArgumentException(file + ": channel " + topic + " carries "
                        + (schema == null ? "no schema" : schema.name()) + ", not " + DecisionRecorder.TYPE);
            }
            String[] lastDigest = {null};
            r.messages(Long.MIN_VALUE, Long.MAX_VALUE, id -> id == channel.id(), (ch, seq, log, pub, data, off, len) -> {
                try {
                    cdr.wrap(MemorySegment.ofArray(data), off, len);
                    CdrCodec.decode(cdr, m);
                } catch (MessageDecodeException e) {
                    throw new IOException(file + ": decision " + seq + " on " + topic + " does not decode: " + e.getMessage(), e);
                }
                counts[0]++;
                String digest = m.getString(fDigest);
                if (m.getBoolean(fReset) || !digest.equals(lastDigest[0])) {
                    engine.reset();
                }
                lastDigest[0] = digest;
                if (!m.getBoolean(fRan)) {
                    return;
                }
                recordedDigest[0] = digest;
                PrimitiveArray o = m.primitives(fObs);
                PrimitiveArray a = m.primitives(fAction);
                if (o.size() != obs.length || a.size() < actions) {
                    throw new IllegalArgumentException(file + ": decision " + seq + " has " + o.size() + " observation and "
                            + a.size() + " action values; bundle " + bundle.name() + " takes " + obs.length + " and gives " + actions);
                }
                for (int i = 0; i < obs.length; i++) {
                    obs[i] = o.getFloat(i);
                }
                engine.act(obs, out);
                float[] recorded = new float[actions];
                double worst = 0;
                for (int i = 0; i < actions; i++) {
                    recorded[i] = a.getFloat(i);
                    double d = Math.abs((double) out[i] - recorded[i]);
                    maxPer[i] = Math.max(maxPer[i], d);
                    worst = Math.max(worst, d);
                    sums[1] += d;
                }
                sums[0] = Math.max(sums[0], worst);
                counts[1]++;
                if (worst > tolerance) {
                    counts[2]++;
                    if (first[0] < 0) {
                        first[0] = m.getLong(fTick);
                    }
                }
                ticks.add(m.getLong(fTick));
                rec.add(recorded);
                rep.add(out.clone());
            });
        }
        if (counts[1] == 0) {
            throw new IllegalArgumentException(file + ": no recorded tick on " + topic + " ran a policy; nothing to compare");
        }
        List<String> names = bundle.policy().actions().stream().map(c -> c.name()).toList();
        return new Report(recordedDigest[0], bundle.digest(), counts[0], counts[1], counts[2], tolerance, sums[0],
                sums[1] / ((double) counts[1] * actions), first[0], names, maxPer,
                ticks.stream().mapToLong(Long::longValue).toArray(), rec.toArray(float[][]::new), rep.toArray(float[][]::new));
    }

    /** Plots recorded and replayed actions against the tick, one panel-line pair per action, as a PNG. */
    public static void plot(Report report, Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(1000).height(500)
                .title(String.format(Locale.ROOT, "replay: %d of %d decisions differ (> %.0e)", report.differing(),
                        report.compared(), report.tolerance()))
                .xAxisTitle("tick").yAxisTitle("action").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        double[] x = new double[report.tickNumbers().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = report.tickNumbers()[i];
        }
        for (int a = 0; a < report.actionNames().size(); a++) {
            double[] rec = new double[x.length];
            double[] rep = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                rec[i] = report.recorded()[i][a];
                rep[i] = report.replayed()[i][a];
            }
            String name = report.actionNames().get(a);
            XYSeries s1 = chart.addSeries(name + " (robot)", x, rec);
            s1.setMarker(SeriesMarkers.NONE);
            XYSeries s2 = chart.addSeries(name + " (replayed)", x, rep);
            s2.setMarker(SeriesMarkers.NONE);
            s2.setLineStyle(new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER,
                    10f, new float[]{6f, 4f}, 0f));
        }
        String name = png.toString();
        BitmapEncoder.saveBitmap(chart, name.endsWith(".png") ? name.substring(0, name.length() - 4) : name,
                BitmapEncoder.BitmapFormat.PNG);
    }
}
