package dev.myelin.launch.train;

import dev.myelin.trainer.run.CheckpointFile;
import dev.myelin.trainer.run.LearningCurve;
import dev.myelin.trainer.run.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./myelin train-curves RUN...}: overlays the learning curves (evaluation return against
 * environment steps over all ranks) of several runs in one PNG, e.g. fp32 against fp16, or 1 against N
 * ranks.
 */
@Command(name = "train-curves", mixinStandardHelpOptions = true,
        description = "Overlay the learning curves of several training runs in one PNG (e.g. fp32 vs fp16, 1 vs N ranks).")
public final class TrainCurvesCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Run directories (each holds metrics.csv).")
    List<Path> runs;

    @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "The plot to write.")
    Path out;

    @Option(names = "--title", defaultValue = "learning curves", description = "Plot title (default: ${DEFAULT-VALUE}).")
    String title;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() throws Exception {
        List<LearningCurve.Series> series = new ArrayList<>();
        for (Path run : runs) {
            if (!Files.isRegularFile(run.resolve("metrics.csv"))) {
                throw new IllegalArgumentException(run + " has no metrics.csv: is it a training run?");
            }
            String label = run.getFileName().toString();
            Path ck = run.resolve(TrainingRun.CHECKPOINT);
            if (Files.isRegularFile(ck)) {
                CheckpointFile c = CheckpointFile.read(ck);
                Map<String, Object> config = (Map<String, Object>) c.header().get("config");
                int ranks = ((Number) c.header().get("ranks")).intValue();
                label += " (" + config.get("algorithm") + ", " + config.get("precision") + ", " + ranks + " rank"
                        + (ranks > 1 ? "s" : "") + ")";
            }
            series.add(LearningCurve.fromRun(run, label));
        }
        LearningCurve.write(out, title, series);
        System.out.println("wrote " + out + " (" + series.size() + " runs)");
        return 0;
    }
}
