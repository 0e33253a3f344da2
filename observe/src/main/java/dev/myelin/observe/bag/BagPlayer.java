package dev.myelin.observe.bag;

import dev.myelin.observe.mcap.Mcap;
import dev.myelin.observe.mcap.McapReader;
import dev.myelin.observe.mcap.McapWriter;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.cdr.CdrReader;
import dev.myelin.ros2.cdr.MessageDecodeException;
import dev.myelin.ros2.msg.CdrCodec;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.msg.Ros2MsgSchema;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Plays an MCAP file's {@code cdr} channels back onto ROS 2 topics, one publisher per channel with
 * the recorded publishers' QoS, spacing messages as their log times were (scaled by the rate), and
 * publishing the bag time on {@code /clock}. Types come from the context's registry, or from the
 * channel's {@code ros2msg} schema text when the registry does not know them.
 */
public final class BagPlayer {
    private static final long CLOCK_PERIOD_NANOS = 10_000_000L;

    private final Context context;
    private final PrintStream log;

    public BagPlayer(Context context, PrintStream log) {
        this.context = context;
        this.log = log;
    }

    /** What a playback did. */
    public record Result(long published, long skipped, int loops) {
    }

    /**
     * Plays {@code reader}'s messages.
     *
     * @param rate time scale: 2 plays twice as fast
     * @param loops how many times to play it through (at least 1)
     * @param topics topics to play, or empty for all
     * @param clock whether to publish {@code /clock}
     */
    public Result play(McapReader reader, double rate, int loops, List<String> topics, boolean clock)
            throws IOException, InterruptedException {
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("--rate must be a positive number, not " + rate);
        }
        Node node = context.createNode("myelin_bag_player");
        Map<Integer, Publisher> publishers = new HashMap<>();
        Map<Integer, Message> messages = new HashMap<>();
        for (McapWriter.Channel ch : reader.channels().values()) {
            if ((!topics.isEmpty() && !topics.contains(ch.topic())) || (clock && ch.topic().equals("/clock"))) {
                continue; // with clock on, /clock comes from the player, at the bag's pace
            }
            McapWriter.Schema schema = reader.schemas().get(ch.schemaId());
            if (!Mcap.ENCODING_CDR.equals(ch.messageEncoding()) || schema == null
                    || !Mcap.SCHEMA_ROS2MSG.equals(schema.encoding())) {
                log.println("myelin bag: not playing " + ch.topic() + ": encoding " + ch.messageEncoding()
                        + (schema == null ? " without schema" : " with schema encoding " + schema.encoding()));
                continue;
            }
            MessageType type = typeOf(schema);
            Qos qos = OfferedQos.parseFirst(ch.metadata().get("offered_qos_profiles"), 10);
            publishers.put(ch.id(), node.createPublisher(ch.topic(), type, qos));
            messages.put(ch.id(), type.newMessage());
        }
        if (publishers.isEmpty()) {
            throw new IllegalArgumentException(reader.path() + ": no channel to play"
                    + (topics.isEmpty() ? "" : " among " + topics));
        }
        Publisher clockPublisher = clock ? node.createPublisher("/clock", "rosgraph_msgs/msg/Clock", Qos.DEFAULT) : null;
        Message clockMessage = clock ? clockPublisher.type().newMessage() : null;
        var clockSec = clock ? clockPublisher.type().field("clock.sec") : null;
        var clockNanosec = clock ? clockPublisher.type().field("clock.nanosec") : null;
        Thread.sleep(300); // let subscribers match before the first message
        CdrReader cdr = new CdrReader();
        long[] counts = new long[2];
        int played = 0;
        for (int loop = 0; loop < Math.max(1, loops); loop++) {
            long bagStart = reader.messageStartTime();
            long wallStart = System.nanoTime();
            long[] lastClock = {Long.MIN_VALUE};
            reader.messages(Long.MIN_VALUE, Long.MAX_VALUE, publishers::containsKey,
                    (ch, seq, logTime, pub, data, off, len) -> {
                        long due = wallStart + (long) ((logTime - bagStart) / rate);
                        long wait;
                        while ((wait = due - System.nanoTime()) > 0) {
                            LockSupport.parkNanos(wait);
                            if (Thread.interrupted()) {
                                throw new IOException("playback interrupted");
                            }
                        }
                        if (clockPublisher != null && (lastClock[0] == Long.MIN_VALUE || logTime - lastClock[0] >= CLOCK_PERIOD_NANOS)) {
                            clockMessage.setInt(clockSec, (int) Math.floorDiv(logTime, 1_000_000_000L));
                            clockMessage.setLong(clockNanosec, Math.floorMod(logTime, 1_000_000_000L));
                            clockPublisher.publish(clockMessage);
                            lastClock[0] = logTime;
                        }
                        Message m = messages.get(ch.id());
                        try {
                            cdr.wrap(MemorySegment.ofArray(data), off, len);
                            CdrCodec.decode(cdr, m);
                        } catch (MessageDecodeException e) {
                            counts[1]++;
                            if (counts[1] == 1) {
                                log.println("myelin bag: message " + seq + " of " + ch.topic()
                                        + " does not decode as " + m.type() + ": " + e.getMessage());
                            }
                            return;
                        }
                        publishers.get(ch.id()).publish(m);
                        counts[0]++;
                    });
            played++;
        }
        for (Publisher p : publishers.values()) {
            p.waitForAcknowledgements(java.time.Duration.ofSeconds(2));
        }
        node.close();
        return new Result(counts[0], counts[1], played);
    }

    /** The registry's type of that name, else one defined from the schema text (dependencies first). */
    MessageType typeOf(McapWriter.Schema schema) {
        var known = context.messageTypes().find(schema.name());
        if (known.isPresent()) {
            return known.get();
        }
        String text = new String(schema.data(), StandardCharsets.UTF_8);
        Map<String, String> sections = Ros2MsgSchema.split(schema.name(), text);
        List<String> pending = new java.util.ArrayList<>(sections.keySet());
        pending.removeIf(n -> context.messageTypes().find(n).isPresent());
        // define dependencies before the types that use them: retry until no progress
        while (!pending.isEmpty()) {
            RuntimeException last = null;
            for (var it = pending.listIterator(pending.size()); it.hasPrevious(); ) {
                String n = it.previous();
                try {
                    context.messageTypes().define(n, sections.get(n));
                    it.remove();
                } catch (RuntimeException e) {
                    last = e;
                }
            }
            if (last != null && pending.size() == sections.size()) {
                throw new IllegalArgumentException("schema " + schema.name() + " (id " + schema.id()
                        + "): its ros2msg text does not define a usable type: " + last.getMessage(), last);
            }
            if (last != null) {
                sections.keySet().retainAll(pending);
            }
        }
        return context.messageTypes().get(schema.name());
    }
}
