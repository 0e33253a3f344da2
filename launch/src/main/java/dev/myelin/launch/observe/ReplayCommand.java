package dev.myelin.launch.observe;

import dev.myelin.launch.JsonReport;
import dev.myelin.observe.decision.DecisionRecorder;
import dev.myelin.observe.replay.Replay;
import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.PolicyBundle;
import dev.myelin.policy.bundle.TrustedKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ./myelin replay FILE.mcap --bundle NEW.myl}: a bundle re-run on recorded observations, compared with the robot. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Re-run a policy bundle offline on the observations recorded by 'controller --record' and report "
                + "where and how much its actions differ from the robot's (exit code 3 when they differ).")
public final class ReplayCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE.mcap", description = "Recording with a decision channel.")
    Path file;

    @Option(names = "--bundle", required = true, paramLabel = "FILE.myl", description = "Bundle to replay.")
    Path bundle;

    @Option(names = "--trusted-key", paramLabel = "PEM", description = "Verify the bundle's signature with this key (repeatable; default: not checked).")
    Path[] trustedKeys;

    @Option(names = "--engine", defaultValue = "event", description = "Inference engine, as the controller ran it (default ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--topic", defaultValue = DecisionRecorder.TOPIC, description = "Decision channel (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--tolerance", defaultValue = "1e-5", description = "Largest action difference counted as none (default ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Plot robot and replayed actions (default: FILE-replay.png).")
    Path plot;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON.")
    Path json;

    @Override
    public Integer call() throws Exception {
        TrustedKeys keys = trustedKeys == null ? TrustedKeys.none() : TrustedKeys.load(trustedKeys);
        PolicyBundle b = BundleReader.read(bundle, keys);
        Replay.Report r = Replay.run(file, topic, b, engine, tolerance);
        r.print(System.out);
        Path png = plot != null ? plot
                : file.resolveSibling(file.getFileName().toString().replaceFirst("\\.mcap$", "") + "-replay.png");
        Replay.plot(r, png);
        System.out.println("plot: " + png);
        if (json != null) {
            JsonReport report = new JsonReport();
            report.put("recorded_digest", r.recordedDigest());
            report.put("bundle_digest", r.bundleDigest());
            report.put("ticks", r.ticks());
            report.put("compared", r.compared());
            report.put("differing", r.differing());
            report.put("identical", r.identical());
            report.put("tolerance", r.tolerance());
            report.put("max_abs_difference", r.maxAbsDifference());
            report.put("mean_abs_difference", r.meanAbsDifference());
            report.put("first_differing_tick", r.firstDifferingTick());
            for (int i = 0; i < r.actionNames().size(); i++) {
                report.put("max_abs_difference_per_action." + r.actionNames().get(i), r.maxAbsPerAction()[i]);
            }
            report.write(json);
        }
        return r.identical() ? 0 : 3;
    }
}
