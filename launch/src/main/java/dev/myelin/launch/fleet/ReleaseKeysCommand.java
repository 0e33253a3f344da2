package dev.myelin.launch.fleet;

import dev.myelin.policy.bundle.SigningKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;

/** {@code ./myelin release-keys}: a new Ed25519 release key pair (PEM). */
@Command(name = "release-keys", mixinStandardHelpOptions = true,
        description = "Generate an Ed25519 release key pair: NAME.pem (private, mode 0600) and NAME.pub.pem.")
public final class ReleaseKeysCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = ".", paramLabel = "DIR", description = "Folder for the key files (default: here).")
    Path out;

    @Option(names = "--name", defaultValue = "release", description = "File name stem (default ${DEFAULT-VALUE}).")
    String name;

    @Override
    public Integer call() throws Exception {
        Path priv = out.resolve(name + ".pem");
        Path pub = out.resolve(name + ".pub.pem");
        if (Files.exists(priv) || Files.exists(pub)) {
            throw new IllegalArgumentException(priv + " or " + pub + " exists already; refusing to overwrite a release key");
        }
        Files.createDirectories(out);
        KeyPair k = SigningKeys.generate();
        SigningKeys.writePrivateKey(k.getPrivate(), priv);
        SigningKeys.writePublicKey(k.getPublic(), pub);
        System.out.println("key id " + SigningKeys.keyId(k.getPublic()) + ": " + priv + " (sign releases), " + pub
                + " (robots trust it)");
        return 0;
    }
}
