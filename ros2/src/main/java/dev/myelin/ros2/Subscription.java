package dev.myelin.ros2;

import dev.myelin.ros2.cdr.CdrReader;
import dev.myelin.ros2.cdr.MessageDecodeException;
import dev.myelin.ros2.dds.Cyclone;
import dev.myelin.ros2.msg.CdrCodec;
import dev.myelin.ros2.msg.Message;
import dev.myelin.ros2.msg.MessageType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Receives a topic. Samples are taken by the context's executor thread as they arrive, stamped
 * with their receive time, validated by decoding, then
 * <ul>
 *   <li>kept as the latest sample, which a control loop reads with {@link #readLatest(Message)}
 *       — lock-free against the executor, allocation-free, from any one thread at a time;</li>
 *   <li>passed to the {@link MessageHandler} or {@link RawSampleHandler}, if one was given.</li>
 * </ul>
 * A sample that does not decode is counted ({@link #droppedCount()}) and dropped; it never
 * replaces the latest valid sample and never raises an exception in a caller.
 */
public final class Subscription implements AutoCloseable {
    /** Returned by {@link #readLatest} while nothing has been received. */
    public static final long NO_SAMPLE = Long.MIN_VALUE;

    private static final int BATCH = 16;

    private final Node node;
    private final String topicName;
    private final MessageType type;
    private final Qos qos;
    private final int reader;
    private final int readCondition;
    private final MessageHandler handler;
    private final RawSampleHandler rawHandler;
    private final boolean polled;
    private final LatestSample latest = new LatestSample();
    private final MemorySegment matchedStatus = Arena.ofAuto().allocate(Cyclone.MATCHED_STATUS_SIZE, 8);

    // executor thread only
    private final MemorySegment serdata = Arena.ofAuto().allocate(ValueLayout.JAVA_LONG, BATCH);
    private final MemorySegment infos = Arena.ofAuto().allocate(Cyclone.SAMPLE_INFO_SIZE * BATCH, 8);
    private final CdrReader cdr = new CdrReader();
    private final Message received;
    private MemorySegment buffer = Arena.ofAuto().allocate(512, 8);

    private volatile long receivedCount;
    private final AtomicLong droppedCount = new AtomicLong();
    private final AtomicLong handlerErrorCount = new AtomicLong();
    private volatile String lastDropReason;
    private boolean closed;

    Subscription(Node node, String topicName, MessageType type, Qos qos, int reader, MessageHandler handler,
                 RawSampleHandler rawHandler) {
        this(node, topicName, type, qos, reader, handler, rawHandler, false);
    }

    /** {@code polled}: no read condition, not on the executor; the owner calls {@link #poll()}. */
    Subscription(Node node, String topicName, MessageType type, Qos qos, int reader, MessageHandler handler,
                 RawSampleHandler rawHandler, boolean polled) {
        this.node = node;
        this.topicName = topicName;
        this.type = type;
        this.qos = qos;
        this.reader = reader;
        this.handler = handler;
        this.rawHandler = rawHandler;
        this.received = type.newMessage();
        this.polled = polled;
        this.readCondition = polled ? 0 : Cyclone.createReadCondition(reader, Cyclone.ANY_STATE);
    }

    int readCondition() {
        return readCondition;
    }

    /** Fully qualified ROS topic name, after remapping. */
    public String topicName() {
        return topicName;
    }

    public MessageType type() {
        return type;
    }

    public Qos qos() {
        return qos;
    }

    /**
     * Copies the newest valid sample into {@code into} (which must be of this topic's type).
     * Allocation-free once {@code into}'s sequences have grown to the sizes seen. Any thread;
     * concurrent callers are serialized among themselves but never block the executor.
     *
     * @return the sample's receive time on the {@link System#nanoTime()} clock, or
     *         {@link #NO_SAMPLE} when nothing has been received yet
     */
    public long readLatest(Message into) {
        if (into.type() != type) {
            throw new IllegalArgumentException("subscription to " + topicName + " carries " + type + ", not " + into.type());
        }
        try {
            return latest.read(into);
        } catch (MessageDecodeException e) {
            // the slot holds only samples that decoded on arrival; count rather than throw if that ever changes
            countDrop(e.getMessage());
            return NO_SAMPLE;
        }
    }

    /** True once a valid sample has arrived. */
    public boolean hasSample() {
        return latest.hasSample();
    }

    /** Valid samples received so far. */
    public long receivedCount() {
        return receivedCount;
    }

    /** Samples dropped because they did not decode. */
    public long droppedCount() {
        return droppedCount.get();
    }

    /** Why the last dropped sample did not decode, or null. */
    public String lastDropReason() {
        return lastDropReason;
    }

    /** Exceptions thrown by the handler so far. */
    public long handlerErrorCount() {
        return handlerErrorCount.get();
    }

    /** Publications currently matched (compatible QoS and type). */
    public synchronized int matchedPublications() {
        if (closed) {
            return 0;
        }
        return Cyclone.matchedPublications(reader, matchedStatus);
    }

    /** The USER_DATA text of every matched publication (empty when closed). */
    public synchronized java.util.List<String> matchedPublicationUserData() {
        return closed ? java.util.List.of() : Cyclone.matchedUserData(reader, false);
    }

    /** Waits until at least {@code count} publications match; returns whether they did in time. */
    public boolean waitForPublications(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (matchedPublications() < count) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /**
     * Takes everything available and hands it to the handler on the calling thread; only for a
     * subscription made by {@link Node#createPolledRawSubscription}. One thread at a time.
     *
     * @return whether anything was taken
     */
    public boolean poll() {
        if (!polled) {
            throw new IllegalStateException(topicName + " is read by the executor, not polled");
        }
        long before = receivedCount;
        drain();
        return receivedCount != before;
    }

    /** Takes everything available. Executor thread (or the owner's, for a polled subscription). */
    synchronized void drain() {
        while (!closed) {
            int n = Cyclone.takeCdr(reader, serdata, BATCH, infos, Cyclone.ANY_STATE);
            if (n <= 0) {
                return;
            }
            long now = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long d = serdata.getAtIndex(ValueLayout.JAVA_LONG, i);
                try {
                    if (infos.get(ValueLayout.JAVA_BOOLEAN, i * Cyclone.SAMPLE_INFO_SIZE + Cyclone.SAMPLE_INFO_VALID_DATA)) {
                        int size = Cyclone.serdataSize(d);
                        if (size > buffer.byteSize()) {
                            buffer = Arena.ofAuto().allocate(Math.max(size, buffer.byteSize() * 2), 8);
                        }
                        Cyclone.serdataToSer(d, 0, size, buffer.address());
                        offer(buffer, size, now);
                    }
                } finally {
                    Cyclone.serdataUnref(d);
                }
            }
            if (n < BATCH) {
                return;
            }
        }
    }

    /** Validates, stores and delivers one serialized sample. Executor thread (tests call it directly). */
    void offer(MemorySegment sample, long length, long now) {
        if (rawHandler == null || handler != null) {
            try {
                cdr.wrap(sample, 0, length);
                CdrCodec.decode(cdr, received);
            } catch (MessageDecodeException e) {
                countDrop(e.getMessage());
                return;
            }
        }
        receivedCount++;
        latest.publish(sample, length, now);
        try {
            if (handler != null) {
                handler.onMessage(received, now);
            }
            if (rawHandler != null) {
                rawHandler.onSample(sample, length, now);
            }
        } catch (RuntimeException | Error e) {
            if (handlerErrorCount.incrementAndGet() == 1) {
                System.err.println("myelin ros2: handler of " + topicName + " threw " + e
                        + " (further errors are only counted)");
            }
        }
    }

    private void countDrop(String reason) {
        lastDropReason = reason;
        droppedCount.incrementAndGet();
    }

    /** Stops receiving and deletes the reader. Idempotent; any thread, including a handler. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (!polled) {
            node.context().detach(this);
        }
        node.deleteEndpoint(reader); // deletes the read condition with it
        node.forget(this);
    }

    @Override
    public String toString() {
        return "Subscription[" + topicName + ", " + type + ", " + qos + "]";
    }
}
