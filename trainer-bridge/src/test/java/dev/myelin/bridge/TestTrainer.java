package dev.myelin.bridge;

import dev.myelin.bridge.mqtt.BrokerEndpoint;
import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.release.FleetView;
import dev.myelin.bridge.release.PreparedRelease;
import dev.myelin.bridge.wire.HealthReport;
import dev.myelin.bridge.release.ReleasePublisher;
import dev.myelin.bridge.wire.FleetCommand;
import dev.myelin.bridge.wire.ReleaseManifest;
import dev.myelin.bridge.wire.Topics;
import dev.myelin.policy.bundle.ReleaseVersion;
import dev.myelin.policy.bundle.TrustedKeys;

import dev.myelin.bridge.wire.ChunkMessage;
import dev.myelin.policy.bundle.BundleReader;
import dev.myelin.policy.bundle.PolicyBundle;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trainer side of a test: publishes releases, raw payloads and signed commands. */
public final class TestTrainer implements AutoCloseable {

    public final MqttLink link;
    private final Fixtures fx;
    private final String fleet;
    private final List<ReleasePublisher> publishers = new ArrayList<>();
    /** Every health report the fleet sent since this trainer connected. */
    public final List<HealthReport> reports = new java.util.concurrent.CopyOnWriteArrayList<>();

    public TestTrainer(BrokerEndpoint endpoint, Fixtures fx, String fleet) throws Exception {
        this.fx = fx;
        this.fleet = fleet;
        this.link = new MqttLink(new MqttLink.Options().clientId("trainer-" + fleet + "-" + UUID.randomUUID())
                .endpoint(endpoint).sessionExpiry(Duration.ZERO));
        new FleetView(link, fleet).onHealthReport(reports::add);
        assertTrue(link.startAndAwait(Duration.ofSeconds(15)), "trainer connects to " + endpoint);
    }

    /** The first report of {@code event} about {@code releaseId}, or null. */
    public HealthReport report(String releaseId, HealthReport.Event event) {
        return reports.stream().filter(r -> r.releaseId().equals(releaseId) && r.event() == event).findFirst().orElse(null);
    }

    /**
     * Cuts any bundle into a release without checking its signature (the real publisher refuses unsigned or
     * untrusted bundles), so tests can put releases on the broker that robots must refuse.
     */
    public PreparedRelease prepare(byte[] bundle, int chunkBytes, long healthCheckMs) throws Exception {
        PolicyBundle b = BundleReader.read(bundle, TrustedKeys.none());
        byte[] fileSha = MessageDigest.getInstance("SHA-256").digest(bundle);
        String fileHex = HexFormat.of().formatHex(fileSha);
        int count = ReleaseManifest.chunkCount(bundle.length, chunkBytes);
        List<byte[]> chunks = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int from = i * chunkBytes;
            int len = Math.min(chunkBytes, bundle.length - from);
            chunks.add(ChunkMessage.encode(fileSha, i, count, bundle, from, len));
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(bundle, from, len);
            hashes.add(HexFormat.of().formatHex(d.digest()));
        }
        ReleaseManifest m = new ReleaseManifest(fleet, "stable", b.name(), ReleaseManifest.releaseId(b.name(), b.version(),
                fileHex), b.version(), fileHex, b.digest(), b.signerKeyId() == null ? "0000000000000000" : b.signerKeyId(),
                bundle.length, chunkBytes, hashes, ReleaseManifest.Stage.FLEET, List.of(), ReleaseManifest.Activation.IMMEDIATE,
                healthCheckMs, System.currentTimeMillis());
        return new PreparedRelease(bundle, b, m, chunks);
    }

    public ReleasePublisher publisher(PreparedRelease r) {
        ReleasePublisher p = new ReleasePublisher(link, fx.signer, r);
        publishers.add(p);
        return p;
    }

    /** Publishes every chunk and the fleet-wide manifest; returns the publisher (it answers chunk requests). */
    public ReleasePublisher releaseFleetWide(PreparedRelease r) throws Exception {
        ReleasePublisher p = publisher(r);
        p.publishChunks();
        p.publishManifest(r.manifest());
        return p;
    }

    public void raw(String topic, byte[] payload, boolean retained) {
        assertTrue(link.publishAndWait(topic, payload, 1, retained, Duration.ofSeconds(10)), "published " + topic);
    }

    public String manifestTopic() {
        return Topics.manifest(fleet, "nav", "stable");
    }

    public FleetCommand command(String robot, FleetCommand.Action action, String version, String sha) {
        long now = System.currentTimeMillis();
        return new FleetCommand(UUID.randomUUID().toString(), fleet, robot, action, "nav",
                version == null ? null : ReleaseVersion.parse(version), sha, now, now + 60_000);
    }

    public void send(FleetCommand c) {
        raw(Topics.command(fleet, c.robot()), c.seal(fx.signer), false);
    }

    @Override
    public void close() {
        publishers.forEach(ReleasePublisher::close);
        link.close();
    }
}
