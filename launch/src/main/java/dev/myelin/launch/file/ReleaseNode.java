package dev.myelin.launch.file;

import dev.myelin.bridge.mqtt.BrokerEndpoint;
import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.release.Rollout;
import dev.myelin.bridge.wire.ReleaseSigner;
import dev.myelin.launch.demo.ShippedBundles;

import java.security.PrivateKey;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code kind: release}: publishes one bundle to a fleet's channel (canaries first when {@code canary} > 0,
 * then promotion, or automatic rollback). Parameters: {@code broker}, {@code bundle} (file or
 * {@code builtin:nav-v1}/{@code builtin:nav-v2}), {@code key} (release private key PEM, created when missing),
 * {@code name} and {@code version} (re-sign the bundle under them; default: the bundle's own, which
 * must then be signed with {@code key}), {@code fleet}, {@code channel}, {@code canary} (0..1),
 * {@code health_check} and {@code timeout} (seconds), {@code delay} (seconds before publishing). Ready
 * (and done) once promoted; failed when rolled back.
 */
public final class ReleaseNode implements LaunchNode {
    private final String name;
    private final NodeParams p;
    private final Supplier<BrokerEndpoint> broker;
    private volatile boolean promoted;
    private volatile String failure;
    private Thread thread;

    ReleaseNode(String name, NodeParams p, Supplier<BrokerEndpoint> broker) {
        this.name = name;
        this.p = p;
        this.broker = broker;
    }

    static ReleaseNode of(LaunchFile.NodeSpec s, LaunchRunner.Peers peers) {
        NodeParams p = s.params();
        p.required("bundle");
        if (p.path("key") == null) {
            throw p.error("key", "required");
        }
        p.real("canary", 0, 0, 1);
        p.real("health_check", 3, 0, 3600);
        p.real("timeout", 120, 1, 3600);
        p.real("delay", 0, 0, 3600);
        if (p.has("version") != p.has("name")) {
            throw p.error(p.has("version") ? "version" : "name", "give name and version together (the bundle is re-signed under them)");
        }
        String ref = p.required("broker");
        peers.broker(ref, p); // refused here, before anything starts
        return new ReleaseNode(s.name(), p, () -> peers.broker(ref, p));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() throws Exception {
        PrivateKey key = OtaAgentNode.ensureKey(p.path("key"));
        byte[] bytes = ShippedBundles.bytes(p.required("bundle"), null);
        if (p.has("version")) {
            bytes = ShippedBundles.resign(bytes, p.string("name", null), p.string("version", null), key);
        }
        byte[] release = bytes;
        BrokerEndpoint endpoint = broker.get();
        Duration timeout = p.seconds("timeout", 120, 1, 3600);
        Rollout.Options opts = new Rollout.Options().fleet(p.string("fleet", "sim")).channel(p.string("channel", "stable"))
                .canaryFraction(p.real("canary", 0, 0, 1)).healthCheck(p.seconds("health_check", 3, 0, 3600))
                .discovery(Duration.ofSeconds(1)).canaryTimeout(timeout).fleetTimeout(timeout)
                .log(s -> System.out.println("[" + name + "] " + s));
        long delayMs = Math.round(p.real("delay", 0, 0, 3600) * 1000);
        thread = Thread.ofPlatform().name("release-" + name).daemon(true).start(() -> {
            try {
                Thread.sleep(delayMs);
                try (MqttLink link = new MqttLink(new MqttLink.Options().clientId("myelin-release-" + UUID.randomUUID())
                        .endpoint(endpoint).sessionExpiry(Duration.ZERO))) {
                    if (!link.startAndAwait(Duration.ofSeconds(15))) {
                        failure = "cannot reach the broker " + endpoint.uri();
                        return;
                    }
                    Rollout.Result r = new Rollout(link, new ReleaseSigner(key), opts).run(release);
                    if (r.outcome() == Rollout.Outcome.PROMOTED) {
                        System.out.println("[" + name + "] " + r.releaseId() + " promoted: " + r.committed().size() + " of "
                                + r.fleetSize() + " robots committed");
                        promoted = true;
                    } else {
                        failure = r.releaseId() + " rolled back: " + r.reason();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failure = "release failed: " + e.getMessage();
            }
        });
    }

    @Override
    public boolean ready() {
        return promoted;
    }

    @Override
    public boolean done() {
        return promoted;
    }

    @Override
    public String failure() {
        return failure;
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
