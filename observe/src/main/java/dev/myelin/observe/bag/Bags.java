package dev.myelin.observe.bag;

import dev.myelin.observe.mcap.McapReader;
import dev.myelin.observe.mcap.McapWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** {@code bag info} and {@code bag recover}: describing a bag, and rewriting the readable part of one. */
public final class Bags {
    private Bags() {
    }

    /** Prints what {@code ros2 bag info} prints for an MCAP file: size, times, counts, topics. */
    public static void info(McapReader r, PrintStream out) {
        double seconds = (r.messageEndTime() - r.messageStartTime()) / 1e9;
        out.printf(Locale.ROOT, "Files:             %s%n", r.path().getFileName());
        out.printf(Locale.ROOT, "Bag size:          %s%n", human(r.fileSize()));
        out.printf(Locale.ROOT, "Storage id:        mcap (profile %s)%n", r.profile().isEmpty() ? "-" : r.profile());
        out.printf(Locale.ROOT, "Indexed:           %s%n", r.isIndexed() ? "yes (summary present)"
                : "no: scanned up to the last complete record" + (r.truncation() == null ? "" : "; " + r.truncation()));
        out.printf(Locale.ROOT, "Duration:          %.3fs%n", seconds);
        out.printf(Locale.ROOT, "Start:             %s (%d)%n", Instant.ofEpochSecond(0, r.messageStartTime()), r.messageStartTime());
        out.printf(Locale.ROOT, "End:               %s (%d)%n", Instant.ofEpochSecond(0, r.messageEndTime()), r.messageEndTime());
        out.printf(Locale.ROOT, "Messages:          %d%n", r.messageCount());
        out.printf(Locale.ROOT, "Chunks:            %d%s%n", r.chunks().size(), r.chunks().isEmpty() ? ""
                : " (" + (r.chunks().getFirst().compression().isEmpty() ? "uncompressed" : r.chunks().getFirst().compression()) + ")");
        String prefix = "Topic information: ";
        for (McapWriter.Channel c : r.channels().values()) {
            McapWriter.Schema s = r.schemas().get(c.schemaId());
            out.printf(Locale.ROOT, "%sTopic: %s | Type: %s | Count: %d | Serialization Format: %s%n", prefix, c.topic(),
                    s == null ? "-" : s.name(), r.channelMessageCounts().getOrDefault(c.id(), 0L), c.messageEncoding());
            prefix = " ".repeat(prefix.length());
        }
    }

    private static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /**
     * Writes every message {@code source} can read (all of them for an intact file, those up to the
     * last complete chunk for one whose recorder was killed) into {@code target} with a summary.
     *
     * @return messages written
     */
    public static long recover(Path source, Path target) throws IOException {
        if (Files.exists(target) && Files.isSameFile(source, target)) {
            throw new IllegalArgumentException("recover writes a new file; " + target + " is the file being recovered");
        }
        try (McapReader r = McapReader.open(source);
             McapWriter w = new McapWriter(target, r.profile().isEmpty() ? "ros2" : r.profile())) {
            Map<Integer, Integer> schemaIds = new HashMap<>();
            for (McapWriter.Schema s : r.schemas().values()) {
                schemaIds.put(s.id(), w.addSchema(s.name(), s.encoding(), s.data()));
            }
            Map<Integer, Integer> channelIds = new HashMap<>();
            for (McapWriter.Channel c : r.channels().values()) {
                channelIds.put(c.id(), w.addChannel(schemaIds.getOrDefault(c.schemaId(), 0), c.topic(),
                        c.messageEncoding(), c.metadata()));
            }
            long[] n = {0};
            r.messages((ch, seq, log, pub, data, off, len) -> {
                w.write(channelIds.get(ch.id()), log, pub, data, off, len);
                n[0]++;
            });
            return n[0];
        }
    }
}
