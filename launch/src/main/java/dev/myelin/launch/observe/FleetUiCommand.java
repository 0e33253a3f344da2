package dev.myelin.launch.observe;

import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.wire.ReleaseKeys;
import dev.myelin.bridge.wire.ReleaseSigner;
import dev.myelin.launch.BrokerOptions;
import dev.myelin.policy.bundle.SigningKeys;
import dev.myelin.observe.fleet.FleetDashboard;
import dev.myelin.observe.fleet.FleetModel;
import dev.myelin.observe.fleet.MetricsCsv;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code ./myelin fleet-ui}: the fleet dashboard in a browser. */
@Command(name = "fleet-ui", mixinStandardHelpOptions = true,
        description = {"Serve a web page of a fleet: every robot (online, policy and version, slots, last health "
                + "report, safety interventions) and every release on a timeline (canary, promoted, committed or rolled "
                + "back), live from the broker; and learning curves of training runs (--metrics). Release manifests are "
                + "shown only when signed by a --trust key. Read-only unless given --release-key."})
public final class FleetUiCommand implements Callable<Integer> {

    @Option(names = "--fleet", required = true, description = "Fleet name.")
    String fleet;

    @Mixin
    BrokerOptions broker;

    @Option(names = "--trust", required = true, paramLabel = "PEM", split = ",",
            description = "Release public key(s) that manifests must be signed with.")
    List<Path> trust;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE}; 0: any free one).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--metrics", paramLabel = "CSV", split = ",", description = "Training runs' metrics.csv files to chart.")
    List<Path> metrics = List.of();

    @Option(names = "--release-key", paramLabel = "PEM",
            description = "The fleet's release private key: the page may then pause and resume robots' updates (signed commands).")
    Path releaseKey;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this much wall time.")
    Double duration;

    @Override
    public Integer call() throws Exception {
        if (duration != null && !(duration > 0)) {
            throw new IllegalArgumentException("--duration must be > 0 s, got " + duration);
        }
        ReleaseKeys keys = ReleaseKeys.load(trust);
        List<MetricsCsv.Run> runs = new ArrayList<>();
        for (Path m : metrics) {
            runs.add(MetricsCsv.read(m));
        }
        FleetModel model = new FleetModel(fleet, keys, System::currentTimeMillis);
        MqttLink link = FleetDashboard.link(broker.endpoint(), "fleet-ui-" + UUID.randomUUID().toString().substring(0, 8));
        ReleaseSigner signer = releaseKey == null ? null : new ReleaseSigner(SigningKeys.readPrivateKey(releaseKey));
        if (signer != null && !keys.keyIds().contains(signer.keyId())) {
            throw new IllegalArgumentException("--release-key " + releaseKey + " (key " + signer.keyId()
                    + ") is not among the --trust keys " + keys.keyIds() + ": robots would refuse its commands");
        }
        try (FleetDashboard ui = FleetDashboard.start(model, link, runs, new InetSocketAddress(host, port), signer)) {
            System.out.println("fleet-ui: fleet " + fleet + " from " + broker.uri + " on http://" + host + ":" + ui.port()
                    + "/ (" + (signer == null ? "read-only" : "commands signed with " + signer.keyId())
                    + "; manifests trusted from " + keys + ")");
            CountDownLatch stop = new CountDownLatch(1);
            Thread hook = new Thread(stop::countDown, "myelin-fleet-ui-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            if (duration == null) {
                stop.await();
            } else {
                stop.await((long) (duration * 1000), TimeUnit.MILLISECONDS);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C
            }
        }
        return 0;
    }
}
