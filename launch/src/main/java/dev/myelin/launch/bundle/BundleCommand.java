package dev.myelin.launch.bundle;

import dev.myelin.policy.bundle.BundleFormatException;
import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.BundleWriter;
import dev.myelin.policy.bundle.PolicyBundle;
import dev.myelin.policy.bundle.SigningKeys;
import dev.myelin.policy.bundle.TrustedKeys;
import dev.myelin.policy.compress.CompressionReport;
import dev.myelin.policy.compress.Precision;
import dev.myelin.policy.model.Channel;
import dev.myelin.policy.model.Policy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ./myelin bundle ...}: signing keys, inspection and compression of policy bundles. */
@Command(name = "bundle", mixinStandardHelpOptions = true,
        description = "Policy bundles: keygen, inspect, compress.",
        subcommands = {BundleCommand.Keygen.class, BundleCommand.Inspect.class, BundleCommand.Compress.class})
public final class BundleCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: keygen, inspect, compress");
    }

    static TrustedKeys trusted(List<Path> keys) throws Exception {
        return keys == null || keys.isEmpty() ? TrustedKeys.none() : TrustedKeys.load(keys.toArray(Path[]::new));
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = "Generate an Ed25519 release key pair: NAME.pem (private, mode 0600) and NAME.pub.pem.")
    static final class Keygen implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "Path prefix of the key files, e.g. keys/release.")
        Path name;

        @Override
        public Integer call() throws Exception {
            Path priv = Path.of(name + ".pem");
            Path pub = Path.of(name + ".pub.pem");
            if (Files.exists(priv)) {
                throw new IllegalArgumentException(priv + " exists; refusing to overwrite a private key");
            }
            Path parent = priv.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            KeyPair kp = SigningKeys.generate();
            SigningKeys.writePrivateKey(kp.getPrivate(), priv);
            SigningKeys.writePublicKey(kp.getPublic(), pub);
            System.out.println("key id " + SigningKeys.keyId(kp.getPublic()) + ": wrote " + priv + " and " + pub);
            return 0;
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = "Verify a bundle and print its manifest summary.")
    static final class Inspect implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "BUNDLE")
        Path file;

        @Option(names = "--trust", paramLabel = "PEM", description = "Trusted public key(s); the signature must match one.")
        List<Path> keys;

        @Override
        public Integer call() throws Exception {
            PolicyBundle b;
            try {
                b = BundleReader.read(file, trusted(keys));
            } catch (BundleFormatException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
            Policy p = b.policy();
            System.out.printf(Locale.ROOT, "%s %s  %s, %d bytes, %s%s%n", b.name(), b.version(), file, b.byteSize(),
                    b.precision().name().toLowerCase(Locale.ROOT),
                    b.pruneFraction() > 0 ? String.format(Locale.ROOT, ", pruned %.0f%%", 100 * b.pruneFraction()) : "");
            System.out.println("sha256    " + b.digest());
            System.out.println("signature " + (b.signerKeyId() == null ? "none"
                    : b.signerKeyId() + (b.signatureVerified() ? " (verified)"
                    : " (present and well-formed, but NOT VERIFIED: give --trust KEY.pub.pem to verify it)")));
            System.out.println("network   " + p.network().family() + " " + p.network().hyperparameters()
                    + ", " + p.network().parameterCount() + " parameters");
            print("observation", p.observations());
            print("action", p.actions());
            System.out.println("provenance " + p.provenance());
            return 0;
        }

        private static void print(String what, List<Channel> channels) {
            for (int i = 0; i < channels.size(); i++) {
                Channel c = channels.get(i);
                System.out.printf(Locale.ROOT, "%-11s %2d %-20s [%g, %g] %s%n", what, i, c.name(), c.low(), c.high(), c.unit());
            }
        }
    }

    @Command(name = "compress", mixinStandardHelpOptions = true,
            description = "Re-encode a bundle at fp16/int8 with optional pruning; reports size and action error.")
    static final class Compress implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "BUNDLE")
        Path in;

        @Option(names = "--precision", required = true, description = "fp32, fp16 or int8.")
        String precision;

        @Option(names = "--prune", defaultValue = "0", description = "Fraction of each weight matrix to zero by magnitude.")
        double prune;

        @Option(names = "--out", required = true, paramLabel = "FILE")
        Path out;

        @Option(names = "--trust", paramLabel = "PEM", description = "Trusted public key(s) for reading the input.")
        List<Path> keys;

        @Option(names = "--sign", paramLabel = "PEM", description = "Private key to sign the output with.")
        Path signKey;

        @Option(names = "--engine", defaultValue = "event", description = "Engine used to compare actions (default ${DEFAULT-VALUE}).")
        String engine;

        @Option(names = "--observations", defaultValue = "1000", description = "Observations compared (default ${DEFAULT-VALUE}).")
        int observations;

        @Override
        public Integer call() throws Exception {
            Precision p = switch (precision.toLowerCase(Locale.ROOT)) {
                case "fp32" -> Precision.FP32;
                case "fp16" -> Precision.FP16;
                case "int8" -> Precision.INT8;
                default -> throw new IllegalArgumentException("--precision must be fp32, fp16 or int8, got " + precision);
            };
            PolicyBundle source = BundleReader.read(in, trusted(keys));
            if (source.precision() != Precision.FP32 || source.pruneFraction() > 0) {
                throw new IllegalArgumentException(in + " is already " + source.precision() + " pruned "
                        + source.pruneFraction() + "; compress from the fp32 bundle");
            }
            CompressionReport r = CompressionReport.measure(source.policy(), p, prune, engine, observations, 1);
            BundleWriter w = new BundleWriter().setPolicy(source.policy()).optPrecision(p).optPrune(prune)
                    .optName(source.name()).optVersion(source.version());
            if (signKey != null) {
                w.optSigningKey(SigningKeys.readPrivateKey(signKey));
            }
            w.write(out);
            System.out.printf(Locale.ROOT, "%s: %d bytes (%.1f%% of fp32 %d), weight sparsity %.2f%n", out, r.bytes(),
                    100 * r.sizeRatio(), r.fp32Bytes(), r.weightSparsity());
            System.out.printf(Locale.ROOT, "action error vs fp32 (%s engine, %d observations, units of half-range): "
                    + "mean %.4f  p99 %.4f  max %.4f%n", engine, r.observations(), r.meanError(), r.p99Error(), r.maxError());
            return 0;
        }
    }
}
