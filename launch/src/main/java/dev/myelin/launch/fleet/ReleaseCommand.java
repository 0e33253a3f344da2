package dev.myelin.launch.fleet;

import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.release.Rollout;
import dev.myelin.bridge.wire.ReleaseKeys;
import dev.myelin.bridge.wire.ReleaseManifest;
import dev.myelin.bridge.wire.ReleaseSigner;
import dev.myelin.launch.BrokerOptions;
import dev.myelin.policy.bundle.SigningKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code ./myelin release nav.myl --fleet lab --channel stable --canary 10% --key release.pem}: publishes a
 * signed bundle as a staged over-the-air release, watches the canaries' health reports, and promotes it to
 * the fleet or rolls it back. Exit code 0: promoted; 3: rolled back.
 */
@Command(name = "release", mixinStandardHelpOptions = true,
        description = "Publish a signed policy bundle to a fleet over MQTT: canaries first, then promote or roll back.")
public final class ReleaseCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "The .myl bundle, signed with the release key.")
    Path bundle;

    @Option(names = "--fleet", required = true, description = "Fleet name.")
    String fleet;

    @Option(names = "--channel", defaultValue = "stable", description = "Release channel (default ${DEFAULT-VALUE}).")
    String channel;

    @Option(names = "--canary", defaultValue = "10%", paramLabel = "PERCENT",
            description = "Share of the online fleet that gets it first, e.g. 10%% (0%%: whole fleet at once; default ${DEFAULT-VALUE}).")
    String canary;

    @Option(names = "--key", required = true, paramLabel = "PEM", description = "Release private key (signs manifests and commands).")
    Path key;

    @Option(names = "--trust", paramLabel = "PEM",
            description = "Public key(s) the channel's current manifest may be signed with (default: the --key's own).")
    List<Path> trust;

    @Option(names = "--health-check-s", defaultValue = "10", description = "Seconds each robot runs it without problems before committing (default ${DEFAULT-VALUE}).")
    double healthCheckSeconds;

    @Option(names = "--canary-timeout-s", defaultValue = "300", description = "Seconds to wait for the canaries (default ${DEFAULT-VALUE}).")
    double canaryTimeoutSeconds;

    @Option(names = "--fleet-timeout-s", defaultValue = "0", description = "After promotion, seconds to wait for the fleet to commit (default ${DEFAULT-VALUE}: do not wait).")
    double fleetTimeoutSeconds;

    @Option(names = "--discovery-s", defaultValue = "2", description = "Seconds to collect robots' status before choosing canaries (default ${DEFAULT-VALUE}).")
    double discoverySeconds;

    @Option(names = "--activation", defaultValue = "immediate", description = "immediate, or command (robots stage it and wait for ./myelin ota-command activate).")
    String activation;

    @Option(names = "--chunk-bytes", defaultValue = "65536", description = "Data bytes per chunk, 1024..131020 (default ${DEFAULT-VALUE}).")
    int chunkBytes;

    @Mixin
    BrokerOptions broker;

    @Override
    public Integer call() throws Exception {
        String c = canary.trim();
        double fraction;
        try {
            fraction = c.endsWith("%") ? Double.parseDouble(c.substring(0, c.length() - 1)) / 100 : Double.parseDouble(c);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--canary must be a percentage such as 10% (or a fraction such as 0.1), got '" + canary + "'");
        }
        ReleaseManifest.Activation act = switch (activation) {
            case "immediate" -> ReleaseManifest.Activation.IMMEDIATE;
            case "command" -> ReleaseManifest.Activation.COMMAND;
            default -> throw new IllegalArgumentException("--activation must be immediate or command, got '" + activation + "'");
        };
        ReleaseSigner signer = new ReleaseSigner(SigningKeys.readPrivateKey(key));
        byte[] bytes = Files.readAllBytes(bundle);
        try (MqttLink link = new MqttLink(new MqttLink.Options().clientId("myelin-release-" + fleet + "-" + UUID.randomUUID())
                .endpoint(broker.endpoint()).sessionExpiry(Duration.ZERO))) {
            if (!link.startAndAwait(Duration.ofSeconds(15))) {
                throw new IllegalStateException("cannot connect to the broker at " + broker.uri);
            }
            Rollout.Result r = new Rollout(link, signer, new Rollout.Options().fleet(fleet).channel(channel)
                    .canaryFraction(fraction).chunkBytes(chunkBytes).healthCheck(seconds(healthCheckSeconds))
                    .canaryTimeout(seconds(canaryTimeoutSeconds)).fleetTimeout(seconds(fleetTimeoutSeconds))
                    .discovery(seconds(discoverySeconds)).activation(act)
                    .trust(trust == null || trust.isEmpty() ? null : ReleaseKeys.load(trust))
                    .log(s -> System.out.println("release: " + s))).run(bytes);
            System.out.printf(Locale.ROOT, "%s %s in %.1f s: %d of %d robots committed%s%n", r.releaseId(),
                    r.outcome() == Rollout.Outcome.PROMOTED ? "promoted" : "rolled back", r.elapsed().toMillis() / 1000.0,
                    r.committed().size(), r.fleetSize(), r.reason().isEmpty() ? "" : " (" + r.reason() + ")");
            return r.outcome() == Rollout.Outcome.PROMOTED ? 0 : 3;
        }
    }

    private static Duration seconds(double s) {
        if (!(s >= 0) || s > 86_400) {
            throw new IllegalArgumentException("durations must be 0..86400 s, got " + s);
        }
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
