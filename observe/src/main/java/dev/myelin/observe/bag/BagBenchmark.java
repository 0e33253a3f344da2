package dev.myelin.observe.bag;

import dev.myelin.observe.mcap.McapReader;
import dev.myelin.ros2.Context;
import dev.myelin.ros2.Node;
import dev.myelin.ros2.Publisher;
import dev.myelin.ros2.Qos;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.TopicEndpoint;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.msg.PrimitiveArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Recording throughput: a publisher in one DDS participant sends to a second participant in the
 * same process, which either only takes the samples (the raw Cyclone take rate: a raw subscription
 * polled the way the recorder polls its readers, that counts) or records them into an MCAP file. The publisher keeps at most {@link #WINDOW}
 * samples in flight: it waits for the receiving side to have taken the rest (raw) or written them into
 * the file's chunks (recorded), so the rate is that of the receiving side, no history overflows, and a
 * recorder slower than the take shows as a lower rate rather than as a full ring. A recorded phase ends
 * when the writer has written (or dropped) every sample, and its rate counts that time; drops are samples
 * published but not recorded.
 */
public final class BagBenchmark {
    /** Messages published between checks of the receiving side. */
    public static final int BATCH = 64;
    /** Most samples published but not yet taken by the receiving side. */
    public static final int WINDOW = 512;

    /** The figures of one phase. */
    public record Phase(String kind, boolean recorded, long published, long received, long written, long payloadBytes,
                        long drops, double seconds, long fileBytes, double receivingCpuSeconds) {
        public double messagesPerSecond() {
            return (recorded ? written : received) / seconds;
        }

        /**
         * Messages per second of CPU time of the receiving thread (the raw take loop, or the recorder's writer, which
         * takes, writes and compresses): the rate one core of its own would give, which load from other processes
         * on a shared machine moves much less than the wall-clock rate.
         */
        public double messagesPerCpuSecond() {
            return (recorded ? written : received) / receivingCpuSeconds;
        }

        public double megabytesPerSecond() {
            return payloadBytes / seconds / 1e6;
        }
    }

    private final Context publisherContext;
    private final Context recorderContext;
    private final BagRecorder.Settings settings;
    private int run;

    public BagBenchmark(Context publisherContext, Context recorderContext) {
        this(publisherContext, recorderContext, BagRecorder.Settings.DEFAULT);
    }

    /** With the recorder's {@code settings}. */
    public BagBenchmark(Context publisherContext, Context recorderContext, BagRecorder.Settings settings) {
        this.publisherContext = publisherContext;
        this.recorderContext = recorderContext;
        this.settings = settings;
    }

    /**
     * One phase: {@code kind} {@code small} (geometry_msgs/Twist) or {@code scan} (sensor_msgs/LaserScan
     * with 360 ranges), taken raw or recorded into {@code file}, for {@code seconds}.
     */
    public Phase run(String kind, boolean record, Path file, double seconds) throws IOException, InterruptedException {
        String topic = "/bench_bag/" + kind + "_" + (run++);
        Node pubNode = publisherContext.createNode("bench_bag_pub");
        String typeName = kind.equals("scan") ? "sensor_msgs/msg/LaserScan" : "geometry_msgs/msg/Twist";
        Publisher pub = pubNode.createPublisher(topic, typeName, Qos.DEFAULT.withDepth(BATCH * 4));
        MessageType type = pub.type();
        Message m = type.newMessage();
        // scans: 64 different noisy range profiles in turn, so that compression sees realistic data
        float[][] profiles = new float[64][360];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        for (float[] profile : profiles) {
            for (int i = 0; i < 360; i++) {
                profile[i] = Math.round((2f + 1.5f * (float) Math.sin(i * 0.05) + (float) rnd.nextDouble(0, 0.05)) * 1000f) / 1000f;
            }
        }
        PrimitiveArray ranges = null;
        if (kind.equals("scan")) {
            ranges = m.primitives(type.field("ranges"));
            ranges.resize(360);
            m.setString(type.field("header.frame_id"), "laser");
        }
        var x = kind.equals("scan") ? type.field("angle_min") : type.field("linear.x");
        AtomicLong raw = new AtomicLong();
        AtomicLong rawBytes = new AtomicLong();
        BagRecorder recorder = null;
        Subscription counting = null;
        Thread taker = null;
        java.util.concurrent.atomic.AtomicBoolean stopTaking = new java.util.concurrent.atomic.AtomicBoolean();
        Node subNode = recorderContext.createNode("bench_bag_sub");
        if (record) {
            recorder = new BagRecorder(recorderContext, file, settings);
            var pubs = recorderContext.graph().await(e -> e.kind() == TopicEndpoint.Kind.PUBLISHER && e.topic().equals(topic),
                    1, Duration.ofSeconds(5));
            recorder.record(topic, recorderContext.messageTypes().get(typeName), pubs);
        } else {
            // the recorder's own take loop, counting only: polled by one thread that sleeps as long when idle
            counting = subNode.createPolledRawSubscription(topic, recorderContext.messageTypes().get(typeName),
                    Qos.DEFAULT.withDepth(1000), (sample, length, t) -> {
                        raw.setRelease(raw.getPlain() + 1);
                        rawBytes.setRelease(rawBytes.getPlain() + length);
                    });
            Subscription polled = counting;
            taker = Thread.ofPlatform().name("bench-bag-take").daemon(true).start(() -> {
                while (!stopTaking.get()) {
                    if (!polled.poll()) {
                        java.util.concurrent.locks.LockSupport.parkNanos(settings.pollPeriodNanos());
                    }
                }
            });
        }
        BagRecorder.ChannelStats stats = record ? recorder.channels().getFirst() : null;
        java.util.function.LongSupplier taken = record ? stats::written : raw::get;
        if (!pub.waitForSubscriptions(1, Duration.ofSeconds(10))) {
            throw new IllegalStateException("no subscription matched " + topic);
        }
        long published = 0;
        long cpu0 = record ? recorder.writerCpuNanos() : threadCpuNanos(taker);
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            for (int i = 0; i < BATCH; i++) {
                if (ranges != null) {
                    ranges.setFloats(profiles[(int) (published & 63)], 0, 360);
                    m.setFloat(x, published);
                } else {
                    m.setDouble(x, published);
                }
                pub.publish(m);
                published++;
            }
            long stalled = System.nanoTime() + 1_000_000_000L;
            while (published - taken.getAsLong() > WINDOW && System.nanoTime() < stalled) {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000);
            }
        }
        pub.waitForAcknowledgements(Duration.ofSeconds(5));
        Phase phase;
        if (record) {
            // let the writer drain what was taken during the run
            var ch = stats;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (ch.written() + ch.dropped() < published && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            double cpu = (recorder.writerCpuNanos() - cpu0) / 1e9;
            recorder.close();
            long written = ch.written();
            long count;
            try (McapReader r = McapReader.open(file)) {
                count = r.messageCount();
            }
            if (count != written) {
                throw new IllegalStateException(file + " holds " + count + " messages; the recorder wrote " + written);
            }
            phase = new Phase(kind, true, published, ch.received(), written, ch.bytes(), published - written, elapsed,
                    Files.size(file), cpu);
        } else {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (raw.get() < published && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            double cpu = (threadCpuNanos(taker) - cpu0) / 1e9;
            stopTaking.set(true);
            taker.join();
            counting.close();
            phase = new Phase(kind, false, published, raw.get(), 0, rawBytes.get(), published - raw.get(), elapsed, 0, cpu);
        }
        pub.close();
        pubNode.close();
        subNode.close();
        return phase;
    }

    static long threadCpuNanos(Thread t) {
        return java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(t.threadId());
    }
}
