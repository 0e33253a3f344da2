package dev.myelin.launch.train;

import dev.myelin.policy.compress.Precision;
import dev.myelin.trainer.run.PolicyExport;
import dev.myelin.trainer.seq.SequenceExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ./myelin export RUN}: writes the policy of a {@code train} or {@code train-seq} run as bundles (one per
 * precision) and evaluates each exported variant next to the trainer's own forward pass.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a trained policy as a .myl bundle (per precision, optionally pruned and signed) and evaluate "
                + "every exported variant in simulation.")
public final class ExportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN", description = "Run directory of train or train-seq (holds checkpoint.bin).")
    Path run;

    @Option(names = "--out", required = true, paramLabel = "FILE.myl",
            description = "Bundle to write; with several precisions, FILE-<precision>.myl each.")
    Path out;

    @Option(names = "--precision", defaultValue = "fp32", split = ",", paramLabel = "fp32|fp16|int8",
            description = "Weight precision(s), comma-separated (default ${DEFAULT-VALUE}).")
    List<String> precisions = new ArrayList<>();

    @Option(names = "--prune", defaultValue = "0", paramLabel = "FRACTION",
            description = "Magnitude-prune this fraction of each weight matrix, in [0, 1) (default ${DEFAULT-VALUE}).")
    double prune;

    @Option(names = "--sign", paramLabel = "KEY.pem", description = "Sign with this Ed25519 private key (PKCS#8 PEM).")
    Path sign;

    @Option(names = "--name", paramLabel = "NAME", description = "Bundle name (default myelin-<task>; myelin-<task>-<family> for a train-seq run).")
    String name;

    @Option(names = "--version", paramLabel = "X.Y.Z", description = "Release version (default 0.1.0).")
    String version;

    @Option(names = "--episodes", defaultValue = "10", description = "Evaluation episodes per variant, 0 to skip (default ${DEFAULT-VALUE}).")
    int episodes;

    @Override
    public Integer call() throws Exception {
        List<Precision> ps = new ArrayList<>();
        for (String p : precisions) {
            ps.add(Precision.fromManifestName(p.trim().toLowerCase(Locale.ROOT)));
        }
        List<PolicyExport.Variant> rows = PolicyExport.export(new PolicyExport.Request(run, out, ps, prune, sign, name,
                version, episodes), SequenceExport.loadAny(run));
        System.out.print(PolicyExport.table(rows));
        return 0;
    }
}
