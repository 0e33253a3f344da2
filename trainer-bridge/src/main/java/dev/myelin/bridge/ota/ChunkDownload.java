package dev.myelin.bridge.ota;

import dev.myelin.bridge.mqtt.MqttLink;
import dev.myelin.bridge.wire.ChunkMessage;
import dev.myelin.bridge.wire.ReleaseManifest;
import dev.myelin.bridge.wire.Topics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * One release being downloaded chunk by chunk into its part file ({@code <sha256>.part}, the bundle's size).
 * Chunks are subscribed a window at a time (each subscribe delivers the retained chunk); each is checked
 * against the manifest's count, length and SHA-256 before it is written at its offset. A part file left
 * by a disconnect or restart is resumed: a chunk on disk counts only if it still hashes to the manifest's
 * value, which also catches chunks a power loss left half-written. Agent thread only.
 */
final class ChunkDownload {

    /** What became of one delivered chunk. */
    enum Outcome {
        /** A chunk of another release (late delivery after a switch): ignored. */
        OTHER_RELEASE,
        /** Does not match the manifest: not written; ask for it again. */
        CORRUPT,
        /** Already on disk. */
        DUPLICATE,
        /** Written. */
        STORED
    }

    /** The manifest; replaced when the same release is reissued (another rollout stage). */
    ReleaseManifest manifest;
    final Path file;
    private final FileChannel channel;
    private final BitSet have;
    private final Set<Integer> subscribed = new HashSet<>();
    private final MqttLink link;
    private final String fleet;
    private final MqttLink.Handler deliver;
    private long lastProgressNanos = System.nanoTime();
    private final long firstRetryMillis;
    private long retryMillis;

    private ChunkDownload(ReleaseManifest m, Path file, FileChannel channel, BitSet have, MqttLink link, String fleet,
                          MqttLink.Handler deliver, long retryMillis) {
        this.manifest = m;
        this.file = file;
        this.channel = channel;
        this.have = have;
        this.link = link;
        this.fleet = fleet;
        this.deliver = deliver;
        this.firstRetryMillis = retryMillis;
        this.retryMillis = retryMillis;
    }

    /**
     * Opens (or resumes) the part file of {@code m} in {@code dir}, deleting parts of superseded releases.
     * Chunks subscribed later are handed to {@code deliver}.
     */
    static ChunkDownload open(ReleaseManifest m, Path dir, Sha256 sha, MqttLink link, String fleet,
                              MqttLink.Handler deliver, long retryMillis) throws IOException {
        Path file = dir.resolve(m.fileSha256() + ".part");
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (!p.equals(file)) {
                    Files.deleteIfExists(p); // parts of superseded releases
                }
            }
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        BitSet have = new BitSet(m.chunkCount());
        if (ch.size() == m.bundleBytes()) {
            byte[] buf = new byte[m.chunkBytes()];
            for (int i = 0; i < m.chunkCount(); i++) {
                int len = m.chunkLength(i);
                ByteBuffer b = ByteBuffer.wrap(buf, 0, len);
                long pos = (long) i * m.chunkBytes();
                while (b.hasRemaining() && ch.read(b, pos + b.position()) > 0) {
                    // fill the chunk
                }
                if (sha.hex(buf, 0, len).equals(m.chunkSha256().get(i))) {
                    have.set(i);
                }
            }
        } else {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(new byte[1]), m.bundleBytes() - 1);
        }
        return new ChunkDownload(m, file, ch, have, link, fleet, deliver, retryMillis);
    }

    int have() {
        return have.cardinality();
    }

    boolean complete() {
        return have.cardinality() == manifest.chunkCount();
    }

    /** Subscribes to missing chunks, at most {@code window} at once. */
    void fillWindow(int window) {
        for (int i = have.nextClearBit(0); i < manifest.chunkCount() && subscribed.size() < window;
             i = have.nextClearBit(i + 1)) {
            if (subscribed.add(i)) {
                link.subscribe(Topics.chunk(fleet, manifest.releaseId(), i), 1, deliver);
            }
        }
    }

    /** Checks {@code c} against the manifest and writes it; a stored chunk resets the retry back-off. */
    Outcome accept(ChunkMessage.Chunk c, Sha256 sha) throws IOException {
        ReleaseManifest m = manifest;
        if (!c.fileSha256().equals(m.fileSha256())) {
            return Outcome.OTHER_RELEASE;
        }
        int i = c.index();
        if (c.count() != m.chunkCount() || c.length() != m.chunkLength(i)
                || !sha.hex(c.payload(), c.offset(), c.length()).equals(m.chunkSha256().get(i))) {
            return Outcome.CORRUPT;
        }
        if (have.get(i)) {
            return Outcome.DUPLICATE;
        }
        ByteBuffer b = c.data();
        long pos = (long) i * m.chunkBytes();
        while (b.hasRemaining()) {
            channel.write(b, pos + b.position());
        }
        have.set(i);
        lastProgressNanos = System.nanoTime();
        retryMillis = firstRetryMillis;
        if (subscribed.remove(i)) {
            link.unsubscribe(Topics.chunk(fleet, m.releaseId(), i));
        }
        return Outcome.STORED;
    }

    /** Whether nothing arrived for the current retry interval. */
    boolean stalled() {
        return (System.nanoTime() - lastProgressNanos) / 1_000_000 >= retryMillis;
    }

    /** The first {@code max} missing chunk indices. */
    int[] missing(int max) {
        return have.nextClearBit(0) >= manifest.chunkCount() ? new int[0]
                : IntStream.range(0, manifest.chunkCount()).filter(i -> !have.get(i)).limit(max).toArray();
    }

    /** After a request for missing chunks: wait twice as long (up to {@code maxMillis}) before the next. */
    void backOff(long maxMillis) {
        lastProgressNanos = System.nanoTime();
        retryMillis = Math.min(retryMillis * 2, maxMillis);
    }

    /** The assembled file, made durable first. */
    byte[] assemble() throws IOException {
        channel.force(true);
        byte[] bytes = new byte[Math.toIntExact(manifest.bundleBytes())];
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining() && channel.read(b, b.position()) > 0) {
            // read the assembled file
        }
        return bytes;
    }

    /** Unsubscribes, closes the part file and, when {@code deletePart}, deletes it. */
    void close(boolean deletePart) throws IOException {
        for (int i : subscribed) {
            link.unsubscribe(Topics.chunk(fleet, manifest.releaseId(), i));
        }
        channel.close();
        if (deletePart) {
            Files.deleteIfExists(file);
        }
    }
}
