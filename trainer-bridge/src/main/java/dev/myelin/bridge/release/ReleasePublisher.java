package dev.myelin.bridge.release;

import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.wire.ChunkRequest;
import dev.myelin.bridge.wire.PayloadException;
import dev.myelin.bridge.wire.RefusalLog;
import dev.myelin.bridge.wire.ReleaseManifest;
import dev.myelin.bridge.wire.ReleaseSigner;
import dev.myelin.bridge.wire.Topics;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Puts a release on the broker: every chunk retained (so robots that subscribe later, or again after an
 * outage, get it from the broker), then the signed manifest retained. While open it answers robots' chunk
 * requests by publishing those chunks again (at most once per {@link #REPUBLISH_INTERVAL} each), and after
 * a reconnect it publishes the manifest again, which covers a broker that lost its retained messages.
 * Public methods may be called from any thread; publishing happens on the caller's thread or the
 * publisher's own.
 */
public final class ReleasePublisher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ReleasePublisher.class.getName());
    static final Duration REPUBLISH_INTERVAL = Duration.ofMillis(300);
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(15);

    private final MqttLink link;
    private final ReleaseSigner signer;
    private final PreparedRelease release;
    private final ExecutorService worker;
    private final Map<Integer, Long> lastPublished = new ConcurrentHashMap<>();
    private final Runnable onReconnect;
    private volatile byte[] manifestPayload;
    private volatile long requestsServed;
    private final RefusalLog refusals = new RefusalLog(LOG, "release publisher: ", RefusalLog.DEFAULT_INTERVAL);

    public ReleasePublisher(MqttLink link, ReleaseSigner signer, PreparedRelease release) {
        this.link = link;
        this.signer = signer;
        this.release = release;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "release-publisher");
            t.setDaemon(true);
            return t;
        });
        String fleet = release.manifest().fleet();
        link.subscribe(Topics.everyRobot(fleet, "chunk-request"), 1, (t, p, r) -> onChunkRequest(t, p));
        this.onReconnect = () -> worker.execute(this::republishManifest);
        link.onConnected(onReconnect);
    }

    public PreparedRelease release() {
        return release;
    }

    /** Publishes every chunk retained, waiting for each acknowledgement. */
    public void publishChunks() throws IOException {
        ReleaseManifest m = release.manifest();
        for (int i = 0; i < release.chunks().size(); i++) {
            publishChunk(i);
        }
        LOG.log(Level.INFO, "published " + m.chunkCount() + " chunks of " + m.releaseId());
    }

    /** Publishes chunk {@code i} retained and waits for the acknowledgement. */
    public void publishChunk(int i) throws IOException {
        ReleaseManifest m = release.manifest();
        if (!link.publishAndWait(Topics.chunk(m.fleet(), m.releaseId(), i), release.chunks().get(i), 1, true, ACK_TIMEOUT)) {
            throw new IOException("chunk " + i + " of " + m.releaseId() + " was not acknowledged by the broker");
        }
        lastPublished.put(i, System.nanoTime());
    }

    /** Signs and publishes {@code manifest} retained on its channel's topic. */
    public void publishManifest(ReleaseManifest manifest) throws IOException {
        byte[] payload = manifest.seal(signer);
        manifestPayload = payload;
        String topic = Topics.manifest(manifest.fleet(), manifest.policy(), manifest.channel());
        if (!link.publishAndWait(topic, payload, 1, true, ACK_TIMEOUT)) {
            throw new IOException("manifest of " + manifest.releaseId() + " was not acknowledged by the broker");
        }
    }

    /** Publishes a manifest payload exactly as given (an earlier release's signed manifest, to roll back to). */
    public void publishManifestPayload(ReleaseManifest forTopic, byte[] payload) throws IOException {
        manifestPayload = payload;
        String topic = Topics.manifest(forTopic.fleet(), forTopic.policy(), forTopic.channel());
        if (!link.publishAndWait(topic, payload, 1, true, ACK_TIMEOUT)) {
            throw new IOException("manifest was not acknowledged by the broker");
        }
    }

    /** Removes this release's retained chunks from the broker (after a rollback). */
    public void clearChunks() {
        ReleaseManifest m = release.manifest();
        for (int i = 0; i < m.chunkCount(); i++) {
            link.publishAndWait(Topics.chunk(m.fleet(), m.releaseId(), i), new byte[0], 1, true, ACK_TIMEOUT);
        }
    }

    /** Chunk requests answered so far. */
    public long requestsServed() {
        return requestsServed;
    }

    private void republishManifest() {
        byte[] p = manifestPayload;
        ReleaseManifest m = release.manifest();
        if (p != null) {
            link.publishAndWait(Topics.manifest(m.fleet(), m.policy(), m.channel()), p, 1, true, ACK_TIMEOUT);
        }
    }

    private void onChunkRequest(String topic, byte[] payload) {
        ChunkRequest r;
        try {
            r = ChunkRequest.parse(payload);
            if (!r.robot().equals(Topics.robotOf(topic))) {
                throw new PayloadException("chunk-request.robot", r.robot() + " on " + topic);
            }
        } catch (PayloadException e) {
            refusals.refuse("chunk-request:" + e.field(), "chunk request on " + topic + " refused: " + e.getMessage());
            return;
        }
        if (!r.releaseId().equals(release.manifest().releaseId())) {
            return; // another release's publisher answers it, if any still runs
        }
        worker.execute(() -> {
            long now = System.nanoTime();
            for (int i : r.chunks()) {
                if (i < 0 || i >= release.chunks().size()) {
                    continue;
                }
                Long last = lastPublished.get(i);
                if (last != null && now - last < REPUBLISH_INTERVAL.toNanos()) {
                    continue; // just published: the robot will have it
                }
                try {
                    publishChunk(i);
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, e.getMessage());
                    return;
                }
            }
            requestsServed++;
        });
    }

    /** Stops answering chunk requests. The link stays open (it belongs to the caller). */
    @Override
    public void close() {
        link.removeOnConnected(onReconnect);
        link.unsubscribe(Topics.everyRobot(release.manifest().fleet(), "chunk-request"));
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
