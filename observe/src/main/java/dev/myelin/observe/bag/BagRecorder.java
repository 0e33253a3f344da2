package dev.myelin.observe.bag;

import dev.myelin.observe.mcap.Mcap;
import dev.myelin.observe.mcap.McapWriter;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.RawSampleHandler;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.TopicEndpoint;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.msg.Ros2MsgSchema;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Records ROS 2 topics, and any other channel a caller feeds it, into an MCAP file in the ROS 2
 * profile. One writer thread takes the topics' samples still serialized (the CDR exactly as received,
 * encapsulation header included) from its readers, copies each straight into the open chunk and
 * compresses full chunks. Its readers are polled, never watched by a waitset: Cyclone DDS delivers to
 * readers in the same process within the writer's {@code dds_write}, where a watched reader would also
 * wake a thread, so a control loop publishing in this process only stores the sample in the reader's
 * history (1000 deep). Channels fed by {@link #offer} (a controller's decisions, from its control
 * thread) go through a bounded ring that the writer drains; a full ring drops the message and counts
 * the drop against its channel, so recording never blocks a caller. A chunk is closed when it reaches
 * the chunk size or has been open for {@link Settings#maxChunkAgeNanos}, so a recorder killed outright
 * loses at most that much.
 */
public final class BagRecorder implements AutoCloseable {
    /**
     * Recording settings.
     *
     * @param zstdLevel       the chunks' zstd level (see {@link #DEFAULT} for the choice)
     * @param pollPeriodNanos how long the writer thread sleeps when its readers and ring were empty: short for
     *                        throughput, longer beside a control loop, whose cores it then leaves alone
     */
    public record Settings(int chunkSize, int ringBytes, long maxChunkAgeNanos, int zstdLevel, long pollPeriodNanos) {
        /**
         * Chunks of 1 MiB at zstd level {@value #DEFAULT_ZSTD_LEVEL}, a 64 MiB ring for offered channels, readers
         * taken while they hold samples and every 50 µs when idle. The level is the recorder's main cost per byte:
         * on the development machine, 1 MiB of LaserScans compressed at 2.7 GB/s at level 1 and 5.8 GB/s at -3
         * (files 1.16x those of level 1); Twists compress to 0.37x of the payload at level 1 and 0.45x at -3. See the
         * README's {@code bench bag} figures.
         */
        public static final Settings DEFAULT = new Settings(McapWriter.DEFAULT_CHUNK_SIZE, 64 << 20, 1_000_000_000L,
                Settings.DEFAULT_ZSTD_LEVEL, 50_000L);
        /** The recorder's default zstd level. */
        public static final int DEFAULT_ZSTD_LEVEL = -3;
        /** For recording inside a process that runs a control loop: readers polled every 2 ms. */
        public static final Settings BESIDE_CONTROL_LOOP = DEFAULT.polledEvery(2_000_000L);

        public Settings {
            if (Integer.bitCount(ringBytes) != 1 || ringBytes < 4096) {
                throw new IllegalArgumentException("ring size " + ringBytes + " must be a power of two of at least 4096");
            }
            if (pollPeriodNanos < 1_000L || pollPeriodNanos > 100_000_000L) {
                throw new IllegalArgumentException("poll period " + pollPeriodNanos + " ns must be 1 µs to 100 ms");
            }
        }

        public Settings(int chunkSize, int ringBytes, long maxChunkAgeNanos) {
            this(chunkSize, ringBytes, maxChunkAgeNanos, DEFAULT_ZSTD_LEVEL, DEFAULT.pollPeriodNanos);
        }

        /** These settings with the writer thread sleeping {@code nanos} when idle. */
        public Settings polledEvery(long nanos) {
            return new Settings(chunkSize, ringBytes, maxChunkAgeNanos, zstdLevel, nanos);
        }

        /** These settings with chunks compressed at zstd {@code level}. */
        public Settings zstdLevel(int level) {
            return new Settings(chunkSize, ringBytes, maxChunkAgeNanos, level, pollPeriodNanos);
        }
    }

    /** Counts for one channel. */
    public static final class ChannelStats {
        private final int id;
        private final String topic;
        private final String type;
        final AtomicLong received = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        // writer thread only; released so that other threads read recent counts without a fence per message
        final AtomicLong written = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();

        ChannelStats(int id, String topic, String type) {
            this.id = id;
            this.topic = topic;
            this.type = type;
        }

        public int id() {
            return id;
        }

        public String topic() {
            return topic;
        }

        public String type() {
            return type;
        }

        /** Samples offered to the recorder. */
        public long received() {
            return received.get();
        }

        /** Samples dropped because the ring was full. */
        public long dropped() {
            return dropped.get();
        }

        /** Messages written to the file. */
        public long written() {
            return written.get();
        }

        /** Payload bytes written. */
        public long bytes() {
            return bytes.get();
        }
    }

    private static final int TIME_BYTES = 8;

    private final Context context;
    private final McapWriter writer;
    private final Settings settings;
    private final ManyToOneRingBuffer ring;
    private final MemorySegment ringSegment;
    private final UnsafeBuffer ringBuffer;
    private final long wallOffset;
    private final Map<String, Integer> schemaIds = new HashMap<>();
    private final Map<String, ChannelStats> byTopic = new LinkedHashMap<>();
    private volatile ChannelStats[] stats = new ChannelStats[0];
    private final List<Subscription> subscriptions = new ArrayList<>();
    private volatile Subscription[] polled = new Subscription[0];
    private final List<String> skipped = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile IOException failure;
    private Node node;
    private final org.agrona.concurrent.MessageHandler drain = this::writeOne;

    /** Opens {@code file} for recording (replacing it); {@code context} may be null when only fed by {@link #offer}. */
    public BagRecorder(Context context, Path file, Settings settings) throws IOException {
        this.context = context;
        this.settings = settings;
        this.writer = new McapWriter(file, Mcap.PROFILE_ROS2, settings.chunkSize(), Mcap.COMPRESSION_ZSTD, settings.zstdLevel());
        ByteBuffer buf = ByteBuffer.allocateDirect(settings.ringBytes() + RingBufferDescriptor.TRAILER_LENGTH);
        this.ringBuffer = new UnsafeBuffer(buf);
        this.ringSegment = MemorySegment.ofBuffer(buf);
        this.ring = new ManyToOneRingBuffer(ringBuffer);
        Instant now = Instant.now();
        this.wallOffset = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
        this.thread = Thread.ofPlatform().name("myelin-bag-writer").daemon().start(this::drainLoop);
    }

    /** The wall-clock time (ns since the epoch) of a {@link System#nanoTime()} reading. */
    public long wallNanos(long nanoTime) {
        return nanoTime + wallOffset;
    }

    /**
     * Subscribes to {@code topic} and records it. The subscription is reliable only when every
     * publisher seen is, as {@code ros2 bag record} does; its history (1000 samples) holds what arrives
     * between two takes of the writer thread, including while it compresses a chunk.
     *
     * @param publishers the publishers seen on the topic (their QoS goes into {@code offered_qos_profiles})
     * @return the channel's counts
     */
    public synchronized ChannelStats record(String topic, MessageType type, List<TopicEndpoint> publishers)
            throws IOException {
        if (context == null) {
            throw new IllegalStateException("this recorder has no ROS 2 context");
        }
        if (node == null) {
            node = context.createNode("myelin_bag_recorder");
        }
        String fqn = node.resolveTopicName(topic);
        ChannelStats existing = byTopic.get(fqn);
        if (existing != null) {
            return existing;
        }
        boolean allReliable = !publishers.isEmpty()
                && publishers.stream().allMatch(p -> p.reliability() == Qos.Reliability.RELIABLE);
        boolean allLatched = !publishers.isEmpty()
                && publishers.stream().allMatch(p -> p.durability() == Qos.Durability.TRANSIENT_LOCAL);
        Qos qos = new Qos(allReliable || publishers.isEmpty() ? Qos.Reliability.RELIABLE : Qos.Reliability.BEST_EFFORT,
                allLatched ? Qos.Durability.TRANSIENT_LOCAL : Qos.Durability.VOLATILE, 1000);
        ChannelStats s = addChannel(fqn, type.name(), Mcap.SCHEMA_ROS2MSG,
                Ros2MsgSchema.fullText(type).getBytes(StandardCharsets.UTF_8), Mcap.ENCODING_CDR,
                Map.of("offered_qos_profiles", OfferedQos.yaml(publishers)));
        // called by takePolled only, on the writer thread or in close(), with the writer locked
        RawSampleHandler handler = (sample, length, receiveTime) -> writeTaken(s, wallNanos(receiveTime), sample, length);
        Subscription sub = node.createPolledRawSubscription(fqn, type, qos, handler);
        subscriptions.add(sub);
        Subscription[] grown = Arrays.copyOf(polled, polled.length + 1);
        grown[grown.length - 1] = sub;
        polled = grown;
        return s;
    }

    /**
     * Records every topic {@code context}'s graph shows now (or those in {@code only}, when not
     * null) that is not recorded yet. Topics of unknown types are skipped and listed in {@link #skipped()}.
     *
     * @return the channels added
     */
    public synchronized List<ChannelStats> recordDiscovered(List<String> only) throws IOException {
        List<ChannelStats> added = new ArrayList<>();
        List<TopicEndpoint> all = context.graph().endpoints();
        Map<String, List<TopicEndpoint>> publishers = new LinkedHashMap<>();
        for (TopicEndpoint e : all) {
            if (e.kind() == TopicEndpoint.Kind.PUBLISHER) {
                publishers.computeIfAbsent(e.topic(), t -> new ArrayList<>()).add(e);
            }
        }
        for (Map.Entry<String, List<TopicEndpoint>> e : publishers.entrySet()) {
            String topic = e.getKey();
            if (byTopic.containsKey(topic) || (only != null && !only.contains(topic)) || skipped.contains(topic)) {
                continue;
            }
            String typeName = e.getValue().getFirst().type();
            var type = context.messageTypes().find(typeName);
            if (type.isEmpty()) {
                skipped.add(topic);
                System.err.println("myelin bag: not recording " + topic + ": unknown message type " + typeName
                        + " (add its .msg with --msg-path)");
                continue;
            }
            added.add(record(topic, type.get(), e.getValue()));
        }
        return added;
    }

    /** Topics not recorded because their type is unknown. */
    public synchronized List<String> skipped() {
        return List.copyOf(skipped);
    }

    /**
     * Adds a channel fed by {@link #offer}. The schema is shared with other channels of the same
     * name and encoding.
     */
    public synchronized ChannelStats addChannel(String topic, String schemaName, String schemaEncoding, byte[] schema,
                                                String messageEncoding, Map<String, String> metadata) throws IOException {
        if (byTopic.containsKey(topic)) {
            throw new IllegalArgumentException("topic " + topic + " is already recorded");
        }
        int id;
        synchronized (writer) {
            Integer schemaId = schemaIds.get(schemaEncoding + " " + schemaName);
            if (schemaId == null) {
                schemaId = writer.addSchema(schemaName, schemaEncoding, schema);
                schemaIds.put(schemaEncoding + " " + schemaName, schemaId);
            }
            id = writer.addChannel(schemaId, topic, messageEncoding, metadata);
        }
        ChannelStats s = new ChannelStats(id, topic, schemaName);
        byTopic.put(topic, s);
        ChannelStats[] grown = Arrays.copyOf(stats, Math.max(stats.length, id + 1));
        grown[id] = s;
        stats = grown;
        return s;
    }

    /**
     * Queues one message of channel {@code channelId}: {@code length} bytes of {@code data} from
     * {@code offset}. Any thread; never blocks; allocation-free.
     *
     * @return false when the ring was full and the message was dropped (and counted)
     */
    public boolean offer(int channelId, long logTimeNanos, MemorySegment data, long offset, long length) {
        ChannelStats[] s = stats;
        if (channelId < 0 || channelId >= s.length || s[channelId] == null) {
            throw new IllegalArgumentException("unknown channel " + channelId);
        }
        return put(s[channelId], channelId + 1, logTimeNanos, data, offset, length);
    }

    private boolean put(ChannelStats s, int typeId, long logTime, MemorySegment data, long offset, long length) {
        s.received.incrementAndGet();
        if (!running) {
            s.dropped.incrementAndGet();
            return false;
        }
        int index = length + TIME_BYTES > ring.maxMsgLength() ? -1 : ring.tryClaim(typeId, (int) length + TIME_BYTES);
        if (index < 0) {
            s.dropped.incrementAndGet();
            return false;
        }
        ringBuffer.putLong(index, logTime);
        MemorySegment.copy(data, offset, ringSegment, index + TIME_BYTES, length);
        ring.commit(index);
        return true;
    }

    private void drainLoop() {
        try {
            while (true) {
                boolean stopping = !running;
                boolean any;
                synchronized (writer) {
                    any = takePolled();
                    any |= ring.read(drain, 1024) > 0;
                    if (!any) {
                        writer.flushIfOlderThan(settings.maxChunkAgeNanos());
                    }
                }
                if (!any) {
                    if (stopping) {
                        return;
                    }
                    LockSupport.parkNanos(settings.pollPeriodNanos());
                }
            }
        } catch (UncheckedIOException e) {
            failure = e.getCause();
            running = false;
        } catch (IOException e) {
            failure = e;
            running = false;
        }
    }

    /** Takes what the readers hold into the open chunk; whether there was any. With the writer locked. */
    private boolean takePolled() {
        boolean any = false;
        for (Subscription sub : polled) {
            any |= sub.poll();
        }
        return any;
    }

    /** One sample a reader took, into the open chunk. With the writer locked. */
    private void writeTaken(ChannelStats s, long logTime, MemorySegment sample, long length) {
        s.received.incrementAndGet();
        if (failure != null) {
            s.dropped.incrementAndGet();
            return;
        }
        try {
            writer.write(s.id, logTime, logTime, sample, length);
        } catch (IOException e) {
            failure = e;
            running = false;
            s.dropped.incrementAndGet();
            return;
        }
        s.written.setRelease(s.written.getPlain() + 1);
        s.bytes.setRelease(s.bytes.getPlain() + length);
    }

    private void writeOne(int typeId, org.agrona.MutableDirectBuffer buffer, int index, int length) {
        ChannelStats s = stats[typeId - 1];
        long logTime = buffer.getLong(index);
        try {
            writer.write(typeId - 1, logTime, logTime, buffer, index + TIME_BYTES, length - TIME_BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        s.written.setRelease(s.written.getPlain() + 1);
        s.bytes.setRelease(s.bytes.getPlain() + length - TIME_BYTES);
    }

    /** Counts per channel, in the order the channels were added. */
    public synchronized List<ChannelStats> channels() {
        return List.copyOf(byTopic.values());
    }

    /** The writer thread's id (for its allocation and CPU counters). */
    long writerThreadId() {
        return thread.threadId();
    }

    /** CPU time the writer thread (which takes, writes and compresses) has used, in ns; -1 where not measurable. */
    public long writerCpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.threadId());
    }

    /** Chunks written so far. */
    public int chunkCount() {
        synchronized (writer) {
            return writer.chunkCount();
        }
    }

    /** Sum of the drops of every channel. */
    public long totalDropped() {
        long n = 0;
        for (ChannelStats s : stats) {
            if (s != null) {
                n += s.dropped();
            }
        }
        return n;
    }

    /** Stops the subscriptions, writes what is queued, and closes the file with its summary. */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            synchronized (writer) {
                if (failure == null && running) {
                    takePolled(); // what the readers still hold
                }
            }
            subscriptions.forEach(Subscription::close);
            subscriptions.clear();
        }
        running = false;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (writer) {
            writer.close();
        }
        if (failure != null) {
            throw new IOException("recording to " + writer.path() + " failed", failure);
        }
    }
}
