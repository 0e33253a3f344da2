package dev.myelin.launch.bundle;

import dev.myelin.drivers.nir.NirExport;
import dev.myelin.drivers.nir.NirFormat;
import dev.myelin.drivers.nir.NirImport;
import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.BundleWriter;
import dev.myelin.policy.bundle.PolicyBundle;
import dev.myelin.policy.model.Policy;
import dev.myelin.policy.model.PopSan;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ./myelin nir export|import}: a PopSAN bundle's spiking core as a NIR graph (HDF5) and back. */
@Command(name = "nir", mixinStandardHelpOptions = true,
        description = "Neuromorphic Intermediate Representation: export a PopSAN bundle's spiking core, import it back.",
        subcommands = {NirCommand.Export.class, NirCommand.Import.class})
public final class NirCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: export, import");
    }

    public static String describe(Policy p) {
        PopSan n = (PopSan) p.network();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "input %d -> ", n.layerInput(0)));
        for (int l = 0; l < n.layerCount(); l++) {
            s.append(String.format(Locale.ROOT, "fc%d/lif%d %d -> ", l, l, n.layerOutput(l)));
        }
        s.append("output; CubaLIF decays ").append(n.lif().currentDecay()).append('/').append(n.lif().voltageDecay())
                .append(", threshold ").append(n.lif().threshold()).append(", ").append(n.timesteps()).append(" timesteps");
        return s.toString();
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Write a bundle's spiking core as NIR (HDF5).")
    static final class Export implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "BUNDLE")
        Path bundle;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "NIR file to write, e.g. nav.nir.")
        Path out;

        @Option(names = "--trust", paramLabel = "PEM", description = "Trusted public key(s); the signature must match one.")
        List<Path> keys;

        @Override
        public Integer call() throws Exception {
            PolicyBundle b = BundleReader.read(bundle, BundleCommand.trusted(keys));
            NirExport.write(b.policy(), out);
            System.out.println("wrote " + out + " (NIR " + NirFormat.VERSION + ", " + Files.size(out) + " bytes): "
                    + describe(b.policy()));
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Read a NIR file written by 'nir export' back into a policy; optionally write it as a bundle.")
    static final class Import implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        @Option(names = "--out", paramLabel = "BUNDLE", description = "Write the policy as an (unsigned) bundle.")
        Path out;

        @Option(names = "--name", defaultValue = "imported", description = "Bundle name (default ${DEFAULT-VALUE}).")
        String name;

        @Override
        public Integer call() throws Exception {
            Policy p = NirImport.read(file);
            System.out.println(file + ": " + describe(p));
            if (out != null) {
                new BundleWriter().setPolicy(p).optName(name).write(out);
                System.out.println("wrote " + out);
            }
            return 0;
        }
    }
}
