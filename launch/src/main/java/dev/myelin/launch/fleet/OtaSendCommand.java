package dev.myelin.launch.fleet;

import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.wire.FleetCommand;
import dev.myelin.bridge.wire.ReleaseSigner;
import dev.myelin.bridge.wire.Topics;
import dev.myelin.launch.BrokerOptions;
import dev.myelin.policy.bundle.ReleaseVersion;
import dev.myelin.policy.bundle.SigningKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;

/** {@code ./myelin ota-command ACTION --robot r1 ...}: a signed command to robots' update agents. */
@Command(name = "ota-command", mixinStandardHelpOptions = true,
        description = "Send a signed command (activate, rollback, pause, resume) to robots' update agents.")
public final class OtaSendCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ACTION", description = "activate, rollback, pause or resume.")
    String action;

    @Option(names = "--fleet", required = true, description = "Fleet name.")
    String fleet;

    @Option(names = "--robot", required = true, description = "Robot id (repeat for several).")
    List<String> robots;

    @Option(names = "--policy", required = true, description = "Policy name.")
    String policy;

    @Option(names = "--version", description = "Release version (activate, rollback).")
    String version;

    @Option(names = "--sha256", description = "SHA-256 of the release's bundle file (activate, rollback).")
    String sha256;

    @Option(names = "--key", required = true, paramLabel = "PEM", description = "Release private key.")
    java.nio.file.Path key;

    @Option(names = "--expires-s", defaultValue = "86400", description = "Seconds the command stays valid (default ${DEFAULT-VALUE}).")
    long expiresSeconds;

    @Mixin
    BrokerOptions broker;

    @Override
    public Integer call() throws Exception {
        FleetCommand.Action a;
        try {
            a = FleetCommand.Action.valueOf(action.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ACTION must be activate, rollback, pause or resume, got '" + action + "'");
        }
        boolean release = a == FleetCommand.Action.ACTIVATE || a == FleetCommand.Action.ROLLBACK;
        if (release && (version == null || sha256 == null || !sha256.matches("[0-9a-f]{64}"))) {
            throw new IllegalArgumentException(action + " names a release: give --version and --sha256 (64 lowercase hex digits)");
        }
        if (expiresSeconds <= 0) {
            throw new IllegalArgumentException("--expires-s must be positive");
        }
        ReleaseSigner signer = new ReleaseSigner(SigningKeys.readPrivateKey(key));
        try (MqttLink link = new MqttLink(new MqttLink.Options().clientId("myelin-command-" + UUID.randomUUID())
                .endpoint(broker.endpoint()).sessionExpiry(Duration.ZERO))) {
            if (!link.startAndAwait(Duration.ofSeconds(15))) {
                throw new IllegalStateException("cannot connect to the broker at " + broker.uri);
            }
            long now = System.currentTimeMillis();
            for (String robot : robots) {
                FleetCommand c = new FleetCommand(UUID.randomUUID().toString(), Topics.name("fleet", fleet),
                        Topics.name("robot id", robot), a, Topics.name("policy", policy),
                        release ? ReleaseVersion.parse(version) : null, release ? sha256 : null, now, now + expiresSeconds * 1000);
                if (!link.publishAndWait(Topics.command(fleet, robot), c.seal(signer), 1, false, Duration.ofSeconds(15))) {
                    throw new IllegalStateException("the broker did not acknowledge the command to " + robot);
                }
                System.out.println("sent " + action + " " + c.id() + " to " + robot);
            }
        }
        return 0;
    }
}
